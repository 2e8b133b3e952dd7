import { Accordion, Box, Flex, Typography } from '@strapi/design-system';
import type { Job } from '../../../../shared/contracts/jobs';
import { useT } from '../../utils/useT';

/** A finished job's summary in words and what failed (key and reason), collapsed under its counts. */
export function JobDetails({ job }: { job: Job }) {
  const t = useT();
  const { failures, summary } = job;
  return (
    <Accordion.Root data-testid="job-details">
      <Accordion.Item value="details">
        <Accordion.Header>
          <Accordion.Trigger>{t('jobs.details', { failed: job.progress.failed })}</Accordion.Trigger>
        </Accordion.Header>
        <Accordion.Content>
          <Flex direction="column" alignItems="stretch" gap={4} padding={4}>
            <Box data-testid="job-summary">
              <Typography variant="sigma" tag="h3">
                {t('jobs.summary')}
              </Typography>
              {summary.length === 0 ? (
                <Typography tag="p" textColor="neutral600">
                  {t('jobs.summary.none')}
                </Typography>
              ) : (
                summary.map((line, i) => (
                  <Typography key={i} tag="p">
                    {line}
                  </Typography>
                ))
              )}
            </Box>
            <Box data-testid="job-failures">
              <Typography variant="sigma" tag="h3">
                {t('jobs.failures')}
              </Typography>
              {failures.length === 0 ? (
                <Typography tag="p" textColor="neutral600">
                  {t('jobs.failures.none')}
                </Typography>
              ) : (
                <Box tag="ul" paddingLeft={4} style={{ listStyle: 'disc' }}>
                  {failures.map((f, i) => (
                    <li key={i} data-testid="job-failure">
                      <Typography fontWeight="semiBold">{f.key}</Typography>
                      <Typography>: {f.reason}</Typography>
                    </li>
                  ))}
                </Box>
              )}
              {job.progress.failed > failures.length && (
                <Typography variant="pi" textColor="neutral600" tag="p">
                  {t('jobs.failures.more', { shown: failures.length, failed: job.progress.failed })}
                </Typography>
              )}
            </Box>
          </Flex>
        </Accordion.Content>
      </Accordion.Item>
    </Accordion.Root>
  );
}
