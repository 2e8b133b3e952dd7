import type { Core } from '@strapi/strapi';
import type { TagRulesPreview } from '../../../../shared/contracts/jobs';
import { addWarnings, decideUser, loadRulesContext, readUsers, sentence, users } from './tag-rules-users';

/** Users read per query by the preview (memory stays bounded whatever the number of users). */
const PREVIEW_BATCH = 500;

/**
 * What `apply-tag-rules` would do now, decided exactly as the job decides it, writing nothing: how many users were
 * checked, how many would change role and to which, and the warnings (rules that cannot apply, users kept).
 */
export async function previewTagRules(strapi: Core.Strapi): Promise<TagRulesPreview> {
  const ctx = await loadRulesContext(strapi);
  const byRole = new Map<string, { role: string; name: string; count: number }>();
  let warnings: string[] = [];
  let checked = 0;
  let changes = 0;
  let kept = 0;
  let lastId = 0;
  for (;;) {
    const batch = await readUsers(strapi, ctx, lastId, PREVIEW_BATCH);
    for (const user of batch) {
      checked++;
      const decision = decideUser(ctx, user);
      warnings = addWarnings(warnings, decision.warnings);
      if (decision.kind === 'kept') kept++;
      if (decision.kind !== 'change') continue;
      changes++;
      const entry = byRole.get(decision.to.type) ?? { role: decision.to.type, name: decision.to.name, count: 0 };
      entry.count++;
      byRole.set(decision.to.type, entry);
    }
    if (batch.length < PREVIEW_BATCH) break;
    lastId = batch[batch.length - 1]!.id;
  }
  const notes = warnings.map(sentence);
  if (!ctx.rules.length) notes.unshift('No tag rules are set: add some in Settings → Customerly → Tag rules.');
  if (kept) notes.push(`${users(kept)} keep their role: it is not on the webhook allowlist.`);
  return {
    checked,
    changes,
    byRole: [...byRole.values()].sort((a, b) => b.count - a.count || a.role.localeCompare(b.role)),
    warnings: notes,
  };
}
