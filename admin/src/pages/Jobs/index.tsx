import { Button, Flex, Typography } from '@strapi/design-system';
import { ArrowClockwise } from '@strapi/icons';
import { Layouts, Page, useRBAC } from '@strapi/strapi/admin';
import { ACTIONS } from '../../../../shared/contracts/permissions';
import { useJobsQuery } from '../../api/queries';
import { useT } from '../../utils/useT';
import { JobsList } from './JobsList';
import { StartImportForm } from './StartImportForm';

/** Customerly jobs: imports and other background work. Reading needs jobs.read; starting and cancelling jobs.run. */
const JobsPage = () => (
  <Page.Protect permissions={[{ action: ACTIONS.jobsRead, subject: null }]}>
    <JobsView />
  </Page.Protect>
);

function JobsView() {
  const t = useT();
  const { allowedActions, isLoading: checking } = useRBAC([{ action: ACTIONS.jobsRun, subject: null }]);
  const canRun = !!allowedActions.canRun;
  const list = useJobsQuery();
  const retry = () => void list.refetch();

  if (list.error && !list.data) {
    return (
      <Page.Error
        content={t('jobs.loadError', { message: list.error.message })}
        action={<Button onClick={retry}>{t('page.retry')}</Button>}
      />
    );
  }
  if (list.isLoading || !list.data) return <Page.Loading />;

  return (
    <Page.Main aria-busy={list.isFetching}>
      <Page.Title>{t('jobs.title')}</Page.Title>
      <Layouts.Header
        title={t('jobs.title')}
        subtitle={t('jobs.subtitle')}
        primaryAction={
          <Button variant="secondary" startIcon={<ArrowClockwise />} onClick={retry}>
            {t('jobs.refresh')}
          </Button>
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={4}>
          {checking ? null : canRun ? (
            <StartImportForm />
          ) : (
            <Typography textColor="neutral600" data-testid="jobs-read-only">
              {t('jobs.readOnly')}
            </Typography>
          )}
          {list.error && (
            <Flex gap={2} role="alert">
              <Typography textColor="danger600">{t('jobs.refreshError', { message: list.error.message })}</Typography>
              <Button variant="tertiary" size="S" onClick={retry}>
                {t('page.retry')}
              </Button>
            </Flex>
          )}
          <JobsList jobs={list.data} canCancel={canRun} asOf={list.dataUpdatedAt} />
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
}

export default JobsPage;
