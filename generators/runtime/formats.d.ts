import type { Format } from 'ajv';

/** Every known format by name (JSON Schema's and the OpenAPI registry's). */
export declare const formats: Readonly<Record<string, Format>>;
