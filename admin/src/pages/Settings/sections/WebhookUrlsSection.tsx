import {
  Alert,
  Box,
  Checkbox,
  Field,
  Flex,
  Grid,
  IconButton,
  SingleSelect,
  SingleSelectOption,
  TextInput,
  Typography,
} from '@strapi/design-system';
import { Duplicate } from '@strapi/icons';
import * as React from 'react';
import type { AdminSettings } from '../../../../../shared/contracts/settings';
import { Section } from '../../../components/Section';
import { useT, type MessageKey } from '../../../utils/useT';
import {
  HIDDEN_KEY,
  publicOrigin,
  unreachableReason,
  webhookUrl,
  type UnreachableReason,
  type UrlOptions,
} from '../../../utils/webhook-url';
import type { WebhookKey } from '../useWebhookKey';

/** The select's value for "no role parameter" (a select cannot hold an empty value). */
const NO_ROLE = '__none__';

interface Props {
  data: AdminSettings;
  webhookKey: WebhookKey;
  canUpdate: boolean;
}

/** One URL per action, to paste into Customerly; the key is hidden on screen and complete in the copy. */
export function WebhookUrlsSection({ data, webhookKey, canUpdate }: Props) {
  const t = useT();
  const [options, setOptions] = React.useState<UrlOptions>({ sendNotification: false, role: '' });
  const origin = publicOrigin(data.meta.serverUrl);
  const urlFor = (action: string, key: string) => webhookUrl(origin, data.meta.webhookPath, action, key, options);
  const keySet = webhookKey.state.set;

  return (
    <Section title={t('urls.title')} id="customerly-urls">
      <Typography textColor="neutral600">{t('urls.hint')}</Typography>
      <UnreachableNotice origin={origin} />
      <Grid.Root gap={4}>
        <Grid.Item col={6} s={12}>
          <Checkbox
            checked={options.sendNotification}
            onCheckedChange={(c) => setOptions((o) => ({ ...o, sendNotification: c === true }))}
          >
            {t('urls.sendNotification')}
          </Checkbox>
        </Grid.Item>
        <Grid.Item col={6} s={12}>
          <Field.Root name="urlRole" width="100%">
            <Field.Label>{t('urls.role')}</Field.Label>
            <SingleSelect
              value={options.role || NO_ROLE}
              onChange={(v) => setOptions((o) => ({ ...o, role: String(v) === NO_ROLE ? '' : String(v) }))}
            >
              <SingleSelectOption value={NO_ROLE}>{t('urls.roleNone')}</SingleSelectOption>
              {data.meta.roles.map((r) => (
                <SingleSelectOption key={r.type} value={r.type}>
                  {r.name}
                </SingleSelectOption>
              ))}
            </SingleSelect>
          </Field.Root>
        </Grid.Item>
      </Grid.Root>
      {data.meta.actions.map((action) => (
        <Field.Root key={action} name={`url-${action}`}>
          <Field.Label>{t(`action.${action}` as MessageKey)}</Field.Label>
          <Flex gap={2}>
            <Box flex="1">
              <TextInput
                readOnly
                value={keySet ? urlFor(action, webhookKey.visible ?? HIDDEN_KEY) : t('urls.needKey')}
                aria-label={`${t('urls.title')}: ${action}`}
                data-testid={`webhook-url-${action}`}
              />
            </Box>
            <IconButton
              label={`${t('urls.copy')}: ${action}`}
              onClick={() => webhookKey.copyWith((key) => urlFor(action, key))}
              disabled={!keySet || !canUpdate}
              data-testid={`copy-url-${action}`}
            >
              <Duplicate />
            </IconButton>
          </Flex>
        </Field.Root>
      ))}
    </Section>
  );
}

const REASON_KEYS: Record<UnreachableReason, MessageKey> = {
  loopback: 'urls.unreachable.loopback',
  private: 'urls.unreachable.private',
  'local-name': 'urls.unreachable.localName',
};

/** Said next to the URLs when they point at an address Customerly, on the internet, cannot call. */
function UnreachableNotice({ origin }: { origin: string }) {
  const t = useT();
  const [dismissed, setDismissed] = React.useState(false);
  const reason = unreachableReason(origin);
  if (!reason || dismissed) return null;
  const host = new URL(origin).host;
  return (
    <Alert
      closeLabel="×"
      onClose={() => setDismissed(true)}
      variant="warning"
      title={t('urls.unreachable.title')}
      data-testid="unreachable-url-warning"
    >
      <Flex direction="column" alignItems="flex-start" gap={1} tag="span">
        <Typography>{`${t(REASON_KEYS[reason], { host })} ${t('urls.unreachable.why')}`}</Typography>
        <Typography>{t('urls.unreachable.fix')}</Typography>
        <Typography tag="code" fontWeight="semiBold">
          {"url: env('PUBLIC_URL'),"}
        </Typography>
        <Typography>{t('urls.unreachable.tunnel')}</Typography>
      </Flex>
    </Alert>
  );
}
