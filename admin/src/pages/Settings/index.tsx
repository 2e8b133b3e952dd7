import { Alert, Button, Flex } from '@strapi/design-system';
import { Check } from '@strapi/icons';
import { Blocker, Form, Layouts, Page, useRBAC } from '@strapi/strapi/admin';
import * as React from 'react';
import { Link as RouterLink } from 'react-router-dom';
import { ACTIONS, PLUGIN_ID } from '../../../../shared/contracts/permissions';
import type { AdminSettings } from '../../../../shared/contracts/settings';
import { useSettingsQuery } from '../../api/queries';
import { useT } from '../../utils/useT';
import { AccessKeySection } from './sections/AccessKeySection';
import { ApiTokenSection } from './sections/ApiTokenSection';
import { FieldMappingSection } from './sections/FieldMappingSection';
import { HowToSection } from './sections/HowToSection';
import { OutboundSection } from './sections/OutboundSection';
import { PasswordReturnSection } from './sections/PasswordReturnSection';
import { ReconcileSection } from './sections/ReconcileSection';
import { RolesSection } from './sections/RolesSection';
import { TagRulesSection } from './sections/TagRulesSection';
import { UsersSection } from './sections/UsersSection';
import { WebhookUrlsSection } from './sections/WebhookUrlsSection';
import { WelcomeEmailSection } from './sections/WelcomeEmailSection';
import { formValuesOf, useSettingsForm, useSubmitSettings, type SettingsFormValues } from './useSettingsForm';
import { useWebhookKey } from './useWebhookKey';

/**
 * Settings → Customerly. Readable with settings.read; Save, keys, reveal and test need settings.update; "Apply rules
 * to existing users" needs jobs.run.
 */
const SettingsPage = () => (
  <Page.Protect permissions={[{ action: ACTIONS.settingsRead, subject: null }]}>
    <SettingsLoader />
  </Page.Protect>
);

/** Loads the settings and the admin's permissions (update, run jobs), then shows the form. */
function SettingsLoader() {
  const t = useT();
  const query = useSettingsQuery();
  // useRBAC names each permission after its action's last word: settings.update → canUpdate, jobs.run → canRun.
  const { allowedActions, isLoading: rbacLoading } = useRBAC([
    { action: ACTIONS.settingsUpdate, subject: null },
    { action: ACTIONS.jobsRun, subject: null },
  ]);

  if (query.error && !query.data) {
    return (
      <Page.Error
        content={t('settings.loadError', { message: query.error.message })}
        action={<Button onClick={() => void query.refetch()}>{t('page.retry')}</Button>}
      />
    );
  }
  if (!query.data || rbacLoading) return <Page.Loading />;
  return <SettingsForm data={query.data} canUpdate={!!allowedActions.canUpdate} canRunJobs={!!allowedActions.canRun} />;
}

/** What the admin may do on the page. */
interface Permissions {
  canUpdate: boolean;
  canRunJobs: boolean;
}

/**
 * The form, with Strapi's `<Form>` (the admin's own settings pages use it): it starts from the settings loaded once
 * (a later refetch does not touch unsaved edits; a save makes what the server stored the new start), and its
 * `<Blocker>` asks before leaving the page, or closing the tab, with unsaved changes.
 */
function SettingsForm({ data, ...permissions }: { data: AdminSettings } & Permissions) {
  const [initialValues] = React.useState(() => formValuesOf(data.settings));
  const submit = useSubmitSettings(data);
  return (
    <Form<SettingsFormValues> method="PUT" initialValues={initialValues} onSubmit={submit}>
      <Blocker />
      <SettingsFormBody data={data} {...permissions} />
    </Form>
  );
}

/** The page: header with Save, then one card per section. `data` is the latest answer of the server. */
function SettingsFormBody({ data, canUpdate, canRunJobs }: { data: AdminSettings } & Permissions) {
  const t = useT();
  const form = useSettingsForm(data);
  const webhookKey = useWebhookKey(data, canUpdate);
  const disabled = !canUpdate;

  return (
    <Page.Main aria-busy={form.saving}>
      <Page.Title>{t('settings.title')}</Page.Title>
      <Layouts.Header
        title={t('settings.title')}
        subtitle={t('settings.subtitle')}
        primaryAction={
          <Button
            startIcon={<Check />}
            type="submit"
            loading={form.saving}
            disabled={disabled || !form.modified || form.saving}
          >
            {t('settings.save')}
          </Button>
        }
        secondaryAction={
          <Button variant="tertiary" tag={RouterLink} to={`/plugins/${PLUGIN_ID}`}>
            {t('settings.deliveriesLink')}
          </Button>
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={6}>
          {!canUpdate && (
            <Alert closeLabel="×" variant="default" title="" role="status">
              {t('settings.readOnly')}
            </Alert>
          )}
          <HowToSection />
          <AccessKeySection webhookKey={webhookKey} canUpdate={canUpdate} />
          <WebhookUrlsSection data={data} webhookKey={webhookKey} canUpdate={canUpdate} />
          <ApiTokenSection data={data} form={form} disabled={disabled} />
          <PasswordReturnSection form={form} disabled={disabled} />
          <RolesSection data={data} form={form} disabled={disabled} />
          <TagRulesSection data={data} form={form} disabled={disabled} canRunJobs={canRunJobs} />
          <UsersSection form={form} disabled={disabled} />
          <FieldMappingSection data={data} form={form} disabled={disabled} />
          <OutboundSection form={form} disabled={disabled} />
          <WelcomeEmailSection data={data} form={form} disabled={disabled} />
          <ReconcileSection data={data} form={form} disabled={disabled} />
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
}

export default SettingsPage;
