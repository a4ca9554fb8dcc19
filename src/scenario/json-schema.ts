/**
 * The scenario schema as JSON Schema (draft-07, which editors support best), generated from the zod
 * schema, with every description and default: what a scenario file may contain, for the YAML
 * language server (`# yaml-language-server: $schema=scenario.schema.json`) and other tools. It
 * describes the file as written (durations as text or numbers, `auto` addresses), not the parsed
 * values. Rules across fields (addresses inside the subnet, names that exist) are beyond JSON Schema:
 * `arpshift validate` checks those.
 */
import { z } from 'zod';
import { isUnknownFieldMarker } from './fields.js';
import { scenarioSchema } from './schema.js';

let cached: string | undefined;

/** The JSON Schema of scenario files (a fresh object on every call). */
export function scenarioJsonSchema(): Record<string, unknown> {
  cached ??= JSON.stringify({
    ...z.toJSONSchema(scenarioSchema, {
      target: 'draft-07',
      io: 'input',
      unrepresentable: 'any',
      override: (ctx) => {
        // Strict sections refuse unknown fields with a catch-all that always fails; say so plainly.
        const def = (ctx.zodSchema as unknown as { _zod: { def: { type: string; catchall?: unknown } } })._zod.def;
        if (def.type === 'object' && isUnknownFieldMarker(def.catchall)) ctx.jsonSchema.additionalProperties = false;
      },
    }),
    title: 'arpshift scenario',
  });
  return JSON.parse(cached) as Record<string, unknown>;
}
