import { z } from 'zod';

/** The config of the `plugin::customerly.has-tags` route policy: `any`, `all`, or both; at least one non-empty. */
const tagList = z.array(z.string().trim().min(1, 'a tag name is empty').max(255)).min(1, 'the list is empty');

export const tagRequirementSchema = z
  .object({ any: tagList.optional(), all: tagList.optional() })
  .strict()
  .refine((c) => c.any !== undefined || c.all !== undefined, { message: 'give "any" or "all" (a list of tag names)' });

export type TagRequirement = z.infer<typeof tagRequirementSchema>;

/** One sentence saying what is wrong with a policy config, or null when it is valid. */
export function requirementProblem(config: unknown): string | null {
  const parsed = tagRequirementSchema.safeParse(config ?? {});
  if (parsed.success) return null;
  return parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

/** Whether a user with these tags (any case) meets the requirement: one of `any` and every one of `all`. */
export function meetsRequirement(userTags: Iterable<string>, req: TagRequirement): boolean {
  const have = new Set([...userTags].map((t) => t.toLowerCase()));
  const hasAny = !req.any || req.any.some((t) => have.has(t.toLowerCase()));
  const hasAll = !req.all || req.all.every((t) => have.has(t.toLowerCase()));
  return hasAny && hasAll;
}

/** "one of the tags Pro, VIP" / "all of the tags Beta, Staff" / both, for the 403 message. */
export function describeRequirement(req: TagRequirement): string {
  const parts: string[] = [];
  if (req.any) parts.push(`${req.any.length > 1 ? 'one of the tags' : 'the tag'} ${req.any.join(', ')}`);
  if (req.all) parts.push(`${req.all.length > 1 ? 'all of the tags' : 'the tag'} ${req.all.join(', ')}`);
  return parts.join(' and ');
}
