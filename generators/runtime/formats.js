// The string formats the contract uses, from ajv-formats: `uri` and `uuid` in their full (RFC)
// form; `date-time` and `email` in their fast form, which checks the RFC 3339 / address shape but not
// calendar validity (Feb 30) or every RFC 5322 corner. The full forms cost more than JSON.parse of the
// whole document (see README, Performance); Pivot's timestamps come from its own clock.
import * as ajvFormats from 'ajv-formats/dist/formats.js';

const namespace = ajvFormats.fullFormats ? ajvFormats : ajvFormats.default;

export const formats = {
  'date-time': namespace.fastFormats['date-time'],
  email: namespace.fastFormats.email,
  uri: namespace.fullFormats.uri,
  uuid: namespace.fullFormats.uuid,
};
