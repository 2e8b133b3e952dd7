import type { Core } from '@strapi/strapi';
import { USER_UID } from '../../content-types';
import { EVENTS } from '../sync/answer';
import type { RoleRef } from '../sync/roles';
import type { JobCursor, JobFailure, JobHandler, JobStep, PlannedBatch, StoredJob } from './types';
import {
  addWarnings,
  countUsers,
  decideUser,
  loadRulesContext,
  readUsers,
  sentence,
  users,
  type RuleUser,
  type RulesContext,
} from './tag-rules-users';

/** The job's cursor: the last user id done, and what it has to remember for the summary. */
interface ApplyCursor {
  lastId: number;
  /** Role type → how many users moved to it (or would, in a dry run). */
  moved: Record<string, { name: string; count: number }>;
  warnings: string[];
  /** Users skipped because their role changed between the decision and the write. */
  raced: number;
}

function readCursor(cursor: JobCursor | null): ApplyCursor {
  const c = (cursor ?? {}) as Partial<ApplyCursor>;
  return {
    lastId: typeof c.lastId === 'number' ? c.lastId : 0,
    moved: c.moved && typeof c.moved === 'object' ? c.moved : {},
    warnings: Array.isArray(c.warnings) ? c.warnings : [],
    raced: typeof c.raced === 'number' ? c.raced : 0,
  };
}

const isDryRun = (job: StoredJob) => job.params.dryRun === true;
const failureKey = (u: Pick<RuleUser, 'id' | 'email'>) => `user ${u.id}${u.email ? ` (${u.email})` : ''}`;

interface Change {
  user: RuleUser;
  from: RoleRef | null;
  to: RoleRef;
}

/**
 * `apply-tag-rules`: the tag rules applied to every existing user, in batches by id (the cursor is the last id done).
 * Each user's role is decided as a delivery decides it (services/sync/tag-rules.ts, no `role` parameter); a different
 * role is written (unless dry run) and announced on the event hub. Counts: `updated` (role changed), `unchanged`,
 * `skipped` (the current role is off the allowlist, so it is kept; or it changed meanwhile), `failed`.
 * A second run changes nothing: every user already has the role the rules give.
 */
export function applyTagRulesHandler(strapi: Core.Strapi): JobHandler<RulesContext> {
  /** Writes one change, if the user still has the role it was decided from; whether it did. */
  async function writeChange(change: Change): Promise<boolean> {
    const now = (await strapi.db.query(USER_UID).findOne({
      where: { id: change.user.id },
      select: ['id'],
      populate: { role: { select: ['id'] } },
    })) as { id: number; role?: { id: number } | null } | null;
    if (!now || (now.role?.id ?? null) !== (change.from?.id ?? null)) return false;
    await strapi.db.query(USER_UID).update({ where: { id: change.user.id }, data: { role: change.to.id } });
    return true;
  }

  return {
    type: 'apply-tag-rules',
    prepare: () => loadRulesContext(strapi),
    total: () => countUsers(strapi),

    async plan(ctx, job, cursor, size): Promise<PlannedBatch> {
      const state = readCursor(cursor);
      const batch = await readUsers(strapi, ctx, state.lastId, size);
      const dryRun = isDryRun(job);
      const changes: Change[] = [];
      let unchanged = 0;
      let kept = 0;
      let warnings = state.warnings;
      for (const user of batch) {
        const decision = decideUser(ctx, user);
        warnings = addWarnings(warnings, decision.warnings);
        if (decision.kind === 'kept') kept++;
        else if (decision.kind === 'unchanged') unchanged++;
        else changes.push({ user, from: decision.from, to: decision.to });
      }
      const lastId = batch.length ? batch[batch.length - 1]!.id : state.lastId;
      const done = batch.length < size;
      const written: Change[] = [];

      return {
        async commit(): Promise<JobStep> {
          written.length = 0;
          let raced = 0;
          for (const change of changes) {
            if (dryRun || (await writeChange(change))) written.push(change);
            else raced++;
          }
          const moved = structuredClone(state.moved);
          for (const c of written) {
            const entry = (moved[c.to.type] ??= { name: c.to.name, count: 0 });
            entry.count++;
          }
          const next: ApplyCursor = { lastId, moved, warnings, raced: state.raced + raced };
          return {
            cursor: { ...next },
            counts: { seen: batch.length, updated: written.length, unchanged, skipped: kept + raced },
            done,
          };
        },
        afterCommit() {
          if (dryRun) return;
          for (const c of written) {
            // As a delivery announces a role change (sync/answer.ts): the user, and the role names.
            strapi.eventHub.emit(EVENTS.roleChanged, {
              user: { id: c.user.id, documentId: c.user.documentId, email: c.user.email, username: c.user.username },
              from: c.from?.name ?? null,
              to: c.to.name,
              reason: 'apply-tag-rules',
            });
          }
        },
        failAll(reason: string): JobStep {
          const failures: JobFailure[] = batch.map((u) => ({ key: failureKey(u), reason }));
          return {
            cursor: { ...state, lastId, warnings },
            counts: { seen: batch.length, failed: batch.length },
            failures,
            done,
          };
        },
      };
    },

    summarize(_ctx, job): string[] {
      const state = readCursor(job.cursor);
      const dryRun = isDryRun(job);
      const lines: string[] = [];
      if (dryRun) lines.push('Dry run: no role was changed.');
      const moved = Object.entries(state.moved).sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]));
      for (const [type, { count }] of moved) lines.push(`${users(count)} ${dryRun ? 'would move ' : ''}→ ${type}`);
      if (!moved.length) lines.push(dryRun ? 'No user would change role.' : 'No user changed role.');
      const { skipped, failed } = job.counts;
      const offList = skipped - state.raced;
      if (offList > 0) lines.push(`${users(offList)} kept their role: it is not on the webhook allowlist.`);
      if (state.raced > 0) {
        lines.push(
          `${users(state.raced)} skipped: the role changed while the job ran (a webhook, an admin); run the job again to check them.`
        );
      }
      if (failed) lines.push(`${users(failed)} could not be updated: see the failures.`);
      for (const w of state.warnings) lines.push(sentence(w));
      return lines;
    },
  };
}
