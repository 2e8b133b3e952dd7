import { Button, Dialog } from '@strapi/design-system';
import { WarningCircle } from '@strapi/icons';
import { useT } from '../../utils/useT';

interface Props {
  busy: boolean;
  onClose: () => void;
  onConfirm: () => void;
}

/** Asked before a job is cancelled: a running one stops after its batch in hand, and what it did stays done. */
export function CancelJobDialog({ busy, onClose, onConfirm }: Props) {
  const t = useT();
  return (
    <Dialog.Root open onOpenChange={(open: boolean) => !open && onClose()}>
      <Dialog.Content data-testid="cancel-job">
        <Dialog.Header>{t('jobs.cancel.title')}</Dialog.Header>
        <Dialog.Body icon={<WarningCircle fill="danger600" />}>{t('jobs.cancel.body')}</Dialog.Body>
        <Dialog.Footer>
          <Dialog.Cancel>
            <Button variant="tertiary" onClick={onClose}>
              {t('jobs.cancel.dismiss')}
            </Button>
          </Dialog.Cancel>
          <Button variant="danger-light" onClick={onConfirm} loading={busy} disabled={busy}>
            {t('jobs.cancel.confirm')}
          </Button>
        </Dialog.Footer>
      </Dialog.Content>
    </Dialog.Root>
  );
}
