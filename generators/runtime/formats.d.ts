/** A format check as Ajv takes it (declared here: the generated code does not depend on ajv). */
export type Format =
  | true
  | RegExp
  | ((data: string) => boolean)
  | { type?: 'string'; validate: RegExp | ((data: string) => boolean); compare?: (a: string, b: string) => number | undefined }
  | { type: 'number'; validate: (data: number) => boolean; compare?: (a: number, b: number) => number | undefined };

/** Every known format by name (JSON Schema's and the OpenAPI registry's). */
export declare const formats: Readonly<Record<string, Format>>;
