// String and number formats the validators know, from ajv-formats: every JSON Schema format and the
// OpenAPI format registry (`int32`, `int64`, `float`, `double`, `byte`, `binary`, `password`, `date`…).
// `uri` and `uuid` in their full (RFC) form; `date-time` and `email` in their fast form, which checks
// the RFC 3339 / address shape but not calendar validity (Feb 30) or every RFC 5322 corner. The full
// forms cost more than JSON.parse of the whole document (see README, Performance); Pivot's timestamps
// come from its own clock. A format outside this list is accepted as any value (generate warns).
import * as ajvFormats from 'ajv-formats/dist/formats.js';

const namespace = ajvFormats.fullFormats ? ajvFormats : ajvFormats.default;
const fullUri = namespace.fullFormats.uri;

// The usual URL (http or https, a plain host, an optional port, path, query and fragment without
// percent-escapes) in one cheap test: every string it accepts, the full RFC 3986 check accepts too,
// which still decides every other string.
const SIMPLE_HTTP_URI =
  /^https?:\/\/[a-z0-9\-._~]+(?::\d+)?(?:\/[a-z0-9\-._~!$&'()*+,;=:@]*)*(?:\?[a-z0-9\-._~!$&'()*+,;=:@/?]*)?(?:#[a-z0-9\-._~!$&'()*+,;=:@/?]*)?$/i;

export const formats = {
  ...namespace.fullFormats,
  'date-time': namespace.fastFormats['date-time'],
  email: namespace.fastFormats.email,
  uri: (value) => SIMPLE_HTTP_URI.test(value) || fullUri(value),
  uuid: namespace.fullFormats.uuid,
};
