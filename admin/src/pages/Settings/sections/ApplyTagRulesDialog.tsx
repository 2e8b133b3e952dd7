import { Box, Button, Dialog, Flex, Loader, Typography } from '@strapi/design-system';
import * as React from 'react';
import type { Job, JobStatus, TagRulesPreview } from '../../../../../shared/contracts/jobs';
import { JobRunningError, type ApiError } from '../../../api/client';
import { JobProgressBar } from '../../../components/JobProgressBar';
import { isJobActive, useJobQuery, useStartJob, useTagRulesPreview } from '../../../api/queries';
import { useT, type MessageKey } from '../../../utils/useT';

interface Props {
  open: boolean;
  onClose: () => void;
}

/** How many failures the dialog lists (the job keeps up to 50). */
const FAILURES_SHOWN = 10;

/**
 * "Apply rules to existing users": first what would change (nothing written), then, on Apply, the background job
 * with its progress every second, then its summary. Closing while the job runs leaves it running; opening again
 * shows it.
 */
export function ApplyTagRulesDialog({ open, onClose }: Props) {
  const t = useT();
  const [jobId, setJobId] = React.useState<string | null>(null);
  const [startError, setStartError] = React.useState<ApiError | null>(null);
  const preview = useTagRulesPreview(open && jobId === null);
  const job = useJobQuery(jobId);
  const start = useStartJob();
  const finished = job.data !== undefined && !isJobActive(job.data.status);

  const close = () => {
    // A finished job is done with: the next opening starts from a fresh preview.
    if (finished || jobId === null) {
      setJobId(null);
      setStartError(null);
    }
    onClose();
  };
  const apply = async () => {
    setStartError(null);
    try {
      setJobId((await start.mutateAsync({ type: 'apply-tag-rules' })).id);
    } catch (e) {
      setStartError(e as ApiError);
    }
  };
  const follow = (id: string) => {
    setStartError(null);
    setJobId(id);
  };

  return (
    <Dialog.Root open={open} onOpenChange={(o: boolean) => !o && close()}>
      <Dialog.Content data-testid="apply-tag-rules">
        <Dialog.Header>{t('tagRules.apply.title')}</Dialog.Header>
        <Dialog.Body alignItems="stretch" gap={3}>
          {jobId === null ? (
            <PreviewView
              preview={preview.data}
              loading={preview.isLoading || preview.isFetching}
              error={preview.error}
              onRetry={() => void preview.refetch()}
            />
          ) : (
            <JobView job={job.data} error={job.error} onRetry={() => void job.refetch()} />
          )}
          {startError && <StartErrorView error={startError} onFollow={follow} />}
        </Dialog.Body>
        <Dialog.Footer>
          <Dialog.Cancel>
            <Button variant="tertiary">{jobId === null ? t('settings.cancel') : t('tagRules.apply.close')}</Button>
          </Dialog.Cancel>
          {jobId === null && (
            <Button
              onClick={() => void apply()}
              loading={start.isLoading}
              disabled={start.isLoading || preview.isFetching || !preview.data || preview.data.changes === 0}
            >
              {t('tagRules.apply.confirm')}
            </Button>
          )}
        </Dialog.Footer>
      </Dialog.Content>
    </Dialog.Root>
  );
}

/** "12 users would change role: 8 → Pro, 4 → Authenticated", and the warnings. */
function PreviewView({
  preview,
  loading,
  error,
  onRetry,
}: {
  preview: TagRulesPreview | undefined;
  loading: boolean;
  error: ApiError | null;
  onRetry: () => void;
}) {
  const t = useT();
  if (loading) {
    return (
      <Flex gap={2} justifyContent="center">
        <Loader small>{t('tagRules.apply.checking')}</Loader>
        <Typography>{t('tagRules.apply.checking')}</Typography>
      </Flex>
    );
  }
  if (error || !preview) {
    return (
      <Flex direction="column" alignItems="flex-start" gap={2}>
        <Typography textColor="danger600" role="alert">
          {t('tagRules.apply.previewError', { message: error?.message ?? '' })}
        </Typography>
        <Button variant="secondary" onClick={onRetry}>
          {t('page.retry')}
        </Button>
      </Flex>
    );
  }
  const list = preview.byRole.map((r) => `${r.count} → ${r.name}`).join(', ');
  return (
    <Flex direction="column" alignItems="stretch" gap={2} data-testid="apply-tag-rules-preview">
      <Typography fontWeight="bold">
        {preview.changes === 0
          ? t('tagRules.apply.none', { checked: preview.checked })
          : t('tagRules.apply.changes', { changes: preview.changes, list })}
      </Typography>
      <Typography textColor="neutral600">{t('tagRules.apply.checked', { checked: preview.checked })}</Typography>
      <Warnings lines={preview.warnings} />
    </Flex>
  );
}

/** A job refused: one is already running (with the way to follow it), or another failure. */
function StartErrorView({ error, onFollow }: { error: ApiError; onFollow: (id: string) => void }) {
  const t = useT();
  if (error instanceof JobRunningError) {
    return (
      <Flex direction="column" alignItems="flex-start" gap={2} role="alert">
        <Typography textColor="danger600">{t('tagRules.apply.alreadyRunning')}</Typography>
        <Button variant="secondary" onClick={() => onFollow(error.id)}>
          {t('tagRules.apply.follow')}
        </Button>
      </Flex>
    );
  }
  return (
    <Typography textColor="danger600" role="alert">
      {t('tagRules.apply.startError', { message: error.message })}
    </Typography>
  );
}

const STATUS_TEXT: Record<JobStatus, MessageKey> = {
  queued: 'tagRules.job.queued',
  running: 'tagRules.job.running',
  done: 'tagRules.job.done',
  failed: 'tagRules.job.failed',
  cancelled: 'tagRules.job.cancelled',
};

/** The job: its status, a progress bar and the counts while it runs, then its summary and what failed. */
function JobView({ job, error, onRetry }: { job: Job | undefined; error: ApiError | null; onRetry: () => void }) {
  const t = useT();
  if (error) {
    return (
      <Flex direction="column" alignItems="flex-start" gap={2}>
        <Typography textColor="danger600" role="alert">
          {t('tagRules.job.loadError', { message: error.message })}
        </Typography>
        <Button variant="secondary" onClick={onRetry}>
          {t('page.retry')}
        </Button>
      </Flex>
    );
  }
  if (!job) return <Loader small>{t('tagRules.job.queued')}</Loader>;

  const { progress, status } = job;
  const active = isJobActive(status);
  const percent = status === 'done' ? 100 : progress.total ? (progress.seen / progress.total) * 100 : null;
  return (
    <Flex direction="column" alignItems="stretch" gap={3} data-testid="apply-tag-rules-job" data-status={status}>
      <Typography fontWeight="bold" textColor={status === 'failed' ? 'danger600' : undefined} aria-live="polite">
        {t(STATUS_TEXT[status])}
      </Typography>
      <JobProgressBar percent={percent} label={t('tagRules.job.progressLabel')} />
      <Typography>
        {progress.total === null
          ? t('tagRules.job.seen', { seen: progress.seen })
          : t('tagRules.job.seenOf', { seen: progress.seen, total: progress.total })}
      </Typography>
      <Typography textColor="neutral600" data-testid="apply-tag-rules-counts">
        {t('tagRules.job.counts', {
          updated: progress.updated,
          unchanged: progress.unchanged,
          skipped: progress.skipped,
          failed: progress.failed,
        })}
      </Typography>
      {job.error && (
        <Typography textColor="danger600" role="alert">
          {job.error}
        </Typography>
      )}
      {!active && job.summary.length > 0 && (
        <Box data-testid="apply-tag-rules-summary">
          {job.summary.map((line) => (
            <Typography key={line} tag="p">
              {line}
            </Typography>
          ))}
        </Box>
      )}
      {job.failures.length > 0 && (
        <Flex direction="column" alignItems="stretch" gap={1}>
          <Typography fontWeight="bold">{t('tagRules.job.failures')}</Typography>
          {job.failures.slice(0, FAILURES_SHOWN).map((f) => (
            <Typography key={`${f.key}:${f.reason}`} variant="pi" textColor="danger600">
              {f.key}: {f.reason}
            </Typography>
          ))}
        </Flex>
      )}
      {active && <Typography textColor="neutral600">{t('tagRules.job.background')}</Typography>}
    </Flex>
  );
}

/** The preview's warnings (e.g. a rule skipped because its role does not exist). */
function Warnings({ lines }: { lines: string[] }) {
  if (!lines.length) return null;
  return (
    <Flex direction="column" alignItems="stretch" gap={1}>
      {lines.map((line) => (
        <Typography key={line} textColor="warning600">
          {line}
        </Typography>
      ))}
    </Flex>
  );
}
