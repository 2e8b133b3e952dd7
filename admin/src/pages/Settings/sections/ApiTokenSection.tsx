import { Alert, Box, Button, Field, Flex, IconButton, TextInput, Typography } from '@strapi/design-system';
import { Trash } from '@strapi/icons';
import { useNotification } from '@strapi/strapi/admin';
import type * as React from 'react';
import type { AdminSettings } from '../../../../../shared/contracts/settings';
import { errorMessage } from '../../../api/client';
import { useTestConnection } from '../../../api/queries';
import { Section } from '../../../components/Section';
import { useT } from '../../../utils/useT';
import { NO_TOKEN_EDIT, type SettingsForm } from '../useSettingsForm';

interface Props {
  data: AdminSettings;
  form: SettingsForm;
  disabled: boolean;
}

/** The Customerly API: the token (write-only), "Test connection" and the API URL. */
export function ApiTokenSection({ data, form, disabled }: Props) {
  const t = useT();
  const { toggleNotification } = useNotification();
  const connection = useTestConnection();
  const secret = data.secrets.apiToken;
  const apiUrlEnv = data.locked.apiUrl;
  const typed = form.token.input.trim();

  const test = () =>
    connection.mutate(typed ? { apiToken: typed } : {}, {
      onError: (e) =>
        toggleNotification({ type: 'danger', message: t('settings.saveError', { message: errorMessage(e) }) }),
    });
  // Removing the saved token waits for Save; until then the section says so, with a way back.
  const removing = form.token.clear;
  const placeholder =
    secret.set && !removing ? `${secret.masked}  ${t('token.placeholderSet')}` : t('token.placeholderEmpty');
  const result = connection.data;

  return (
    <Section title={t('token.title')} id="customerly-api">
      <Field.Root
        name="apiToken"
        error={form.errorOf('apiToken')}
        hint={secret.locked ? t('settings.locked', { envVar: secret.envVar }) : t('token.hint')}
      >
        <Field.Label>{t('token.label')}</Field.Label>
        <Flex gap={2}>
          <Box flex="1">
            <TextInput
              type="password"
              autoComplete="off"
              value={form.token.input}
              onChange={(e: React.ChangeEvent<HTMLInputElement>) =>
                form.setToken({ input: e.target.value, clear: false })
              }
              placeholder={placeholder}
              disabled={disabled || secret.locked}
            />
          </Box>
          <Button
            variant="secondary"
            onClick={test}
            loading={connection.isLoading}
            disabled={disabled || connection.isLoading}
          >
            {connection.isLoading ? t('token.testing') : t('token.test')}
          </Button>
          {secret.set && !secret.locked && !removing && (
            <IconButton
              label={t('token.clear')}
              onClick={() => form.setToken({ input: '', clear: true })}
              disabled={disabled}
            >
              <Trash />
            </IconButton>
          )}
        </Flex>
        {removing && (
          <Flex
            gap={3}
            marginTop={2}
            padding={3}
            background="warning100"
            borderColor="warning200"
            borderStyle="solid"
            borderWidth="1px"
            hasRadius
            justifyContent="space-between"
            role="status"
            data-testid="token-removal"
          >
            <Typography textColor="warning700" fontWeight="semiBold">
              {t('token.removeOnSave')}
            </Typography>
            <Button variant="tertiary" size="S" onClick={() => form.setToken(NO_TOKEN_EDIT)} disabled={disabled}>
              {t('token.undoRemove')}
            </Button>
          </Flex>
        )}
        <Field.Hint />
        <Field.Error />
      </Field.Root>
      {result && !connection.isLoading && (
        <Alert
          closeLabel="×"
          onClose={() => connection.reset()}
          variant={result.ok ? 'success' : 'danger'}
          title={result.ok ? t('token.ok', { message: '' }) : ''}
          data-testid="connection-result"
        >
          {result.message}
        </Alert>
      )}
      <Field.Root
        name="apiUrl"
        error={form.errorOf('apiUrl')}
        hint={apiUrlEnv ? t('settings.locked', { envVar: apiUrlEnv }) : t('apiUrl.hint')}
      >
        <Field.Label>{t('apiUrl.label')}</Field.Label>
        <TextInput
          value={form.values.apiUrl}
          onChange={(e: React.ChangeEvent<HTMLInputElement>) => form.set('apiUrl', e.target.value)}
          disabled={disabled || !!apiUrlEnv}
        />
        <Field.Hint />
        <Field.Error />
      </Field.Root>
    </Section>
  );
}
