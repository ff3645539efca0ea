import type { Format } from 'ajv';

export declare const formats: Record<'date-time' | 'email' | 'uri' | 'uuid', Format>;
