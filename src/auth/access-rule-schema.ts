/**
 * The YAML form of an access rule, shared by dashport.yaml datasets and dashboard files:
 * `public: true` or `access: { groups: [...] }` (one or the other).
 */
import { z } from 'zod';
import type { AccessRule } from './policy.js';

export const accessSchema = z
  .object({
    groups: z
      .array(z.string().min(1))
      .min(1, 'access.groups needs at least one group')
      .describe('Groups whose members may read this (any one of them).'),
  })
  .strict()
  .describe('Only members of these groups may read this (SPEC §9).');

export const publicSchema = z
  .boolean()
  .describe('Anyone may read this, signed in or not (SPEC §9).');

/** Refinement for an object with `access` and `public`: not both. */
export function checkAccessRule(
  value: { readonly access?: unknown; readonly public?: boolean | undefined },
  ctx: z.RefinementCtx,
): void {
  if (value.access !== undefined && value.public === true) {
    ctx.addIssue({
      code: 'custom',
      path: ['public'],
      message: 'use either public: true or access: { groups: [...] }, not both',
    });
  }
}

/** The policy's rule from the YAML keys; undefined when neither is set. */
export function accessRuleOf(value: {
  readonly access?: { readonly groups: readonly string[] } | undefined;
  readonly public?: boolean | undefined;
}): AccessRule | undefined {
  if (value.public === true) return { public: true };
  if (value.access !== undefined) return { groups: value.access.groups };
  return undefined;
}
