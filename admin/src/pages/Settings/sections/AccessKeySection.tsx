import { Box, Button, Dialog, Field, Flex, IconButton, TextInput, Typography } from '@strapi/design-system';
import { ArrowClockwise, Duplicate, Eye, EyeStriked, Key } from '@strapi/icons';
import { Section } from '../../../components/Section';
import { useT } from '../../../utils/useT';
import type { WebhookKey } from '../useWebhookKey';

interface Props {
  webhookKey: WebhookKey;
  canUpdate: boolean;
}

/** The webhook access key: shown masked, revealed, copied, generated or rotated (unless the environment sets it). */
export function AccessKeySection({ webhookKey, canUpdate }: Props) {
  const t = useT();
  const { state } = webhookKey;
  const shownKey = webhookKey.visible ?? (state.set ? state.masked : '');
  const hint = state.locked ? t('settings.locked', { envVar: state.envVar }) : t('key.hint');

  return (
    <Section title={t('key.title')} id="customerly-key">
      <Field.Root name="webhookKey" hint={hint}>
        <Field.Label>{t('key.label')}</Field.Label>
        <Flex gap={2}>
          <Box flex="1">
            <TextInput
              readOnly
              value={shownKey}
              placeholder={t('key.notSet')}
              aria-label={t('key.label')}
              data-testid="access-key"
            />
          </Box>
          {state.set && canUpdate && (
            <>
              <IconButton label={webhookKey.shown ? t('key.hide') : t('key.show')} onClick={webhookKey.toggleShown}>
                {webhookKey.shown ? <EyeStriked /> : <Eye />}
              </IconButton>
              <IconButton label={t('key.copy')} onClick={() => webhookKey.copyWith()}>
                <Duplicate />
              </IconButton>
            </>
          )}
          {!state.locked && !state.set && (
            <Button startIcon={<Key />} onClick={webhookKey.rotate} loading={webhookKey.rotating} disabled={!canUpdate}>
              {t('key.generate')}
            </Button>
          )}
          {!state.locked && state.set && <RotateKeyDialog onConfirm={webhookKey.rotate} disabled={!canUpdate} />}
        </Flex>
        <Field.Hint />
      </Field.Root>
    </Section>
  );
}

/** Rotating stops the old key at once: asked first. */
function RotateKeyDialog({ onConfirm, disabled }: { onConfirm: () => void; disabled: boolean }) {
  const t = useT();
  return (
    <Dialog.Root>
      <Dialog.Trigger>
        <Button variant="danger-light" startIcon={<ArrowClockwise />} disabled={disabled}>
          {t('key.rotate')}
        </Button>
      </Dialog.Trigger>
      <Dialog.Content>
        <Dialog.Header>{t('key.rotate')}</Dialog.Header>
        <Dialog.Body>
          <Typography>{t('key.rotateConfirm')}</Typography>
        </Dialog.Body>
        <Dialog.Footer>
          <Dialog.Cancel>
            <Button variant="tertiary">{t('settings.cancel')}</Button>
          </Dialog.Cancel>
          <Dialog.Action>
            <Button variant="danger" onClick={onConfirm}>
              {t('key.rotate')}
            </Button>
          </Dialog.Action>
        </Dialog.Footer>
      </Dialog.Content>
    </Dialog.Root>
  );
}
