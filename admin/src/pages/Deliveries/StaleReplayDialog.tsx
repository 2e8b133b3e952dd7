import { Button, Dialog, Flex } from '@strapi/design-system';
import { WarningCircle } from '@strapi/icons';
import { useT } from '../../utils/useT';

interface Props {
  newer: number;
  busy: boolean;
  onCancel: () => void;
  onForce: () => void;
  onLatest: () => void;
}

/** Asked before replaying a delivery when newer deliveries of the same contact are done: it would roll the user back. */
export function StaleReplayDialog({ newer, busy, onCancel, onForce, onLatest }: Props) {
  const t = useT();
  return (
    <Dialog.Root open onOpenChange={(open: boolean) => !open && onCancel()}>
      <Dialog.Content data-testid="stale-replay">
        <Dialog.Header>{t('detail.stale.title')}</Dialog.Header>
        <Dialog.Body icon={<WarningCircle fill="danger600" />}>{t('detail.stale.body', { newer })}</Dialog.Body>
        <Dialog.Footer>
          <Dialog.Cancel>
            <Button variant="tertiary" onClick={onCancel}>
              {t('detail.stale.cancel')}
            </Button>
          </Dialog.Cancel>
          <Flex gap={2}>
            <Button variant="danger-light" onClick={onForce} loading={busy} disabled={busy}>
              {t('detail.stale.force')}
            </Button>
            <Button variant="default" onClick={onLatest} loading={busy} disabled={busy}>
              {t('detail.stale.latest')}
            </Button>
          </Flex>
        </Dialog.Footer>
      </Dialog.Content>
    </Dialog.Root>
  );
}
