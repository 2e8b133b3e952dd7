import { Typography } from '@strapi/design-system';
import { outboundResultSummary } from '../../../../shared/contracts/outbound';
import type { DeliveryDetail } from '../../../../shared/contracts/deliveries';
import { useT } from '../../utils/useT';
import { NameList, SummaryRow } from './SummaryRow';

/** What an outbound delivery sent to Customerly, in words: the upsert's fields and batch, the tags, the deletion. */
export function OutboundSummary({ detail }: { detail: DeliveryDetail }) {
  const t = useT();
  const r = outboundResultSummary.parse(detail.result ?? {});
  return (
    <>
      <SummaryRow label={t('detail.direction')} testId="summary-direction">
        {t('deliveries.direction.outbound')}
      </SummaryRow>
      {r.sent && (
        <SummaryRow label={t('detail.outbound.sent')} testId="summary-outbound-sent">
          <NameList
            names={[
              'email',
              ...(r.sent.user_id !== undefined ? ['user_id'] : []),
              ...(r.sent.name !== undefined ? ['name'] : []),
              ...(r.sent.attributes ?? []).map((a) => `attributes.${a}`),
            ]}
            none={t('detail.none')}
          />
          {r.batch?.users !== undefined && (
            <Typography textColor="neutral600">{t('detail.outbound.batch', { users: r.batch.users })}</Typography>
          )}
        </SummaryRow>
      )}
      {r.coalescedInto && <SummaryRow label={t('detail.outbound.coalesced')}>{r.coalescedInto}</SummaryRow>}
      {(r.tagged || r.untagged) && (
        <>
          <SummaryRow label={t('detail.outbound.tagged')} testId="summary-outbound-tagged">
            <NameList names={r.tagged ?? []} none={t('detail.none')} />
          </SummaryRow>
          <SummaryRow label={t('detail.outbound.untagged')} testId="summary-outbound-untagged">
            <NameList names={r.untagged ?? []} none={t('detail.none')} />
          </SummaryRow>
        </>
      )}
      {r.deleted !== undefined && (
        <SummaryRow label={t('detail.outbound.deleted')}>
          {r.deleted ? t('detail.outbound.deletedYes') : (r.message ?? t('detail.outbound.deletedUnknown'))}
        </SummaryRow>
      )}
      {r.skipped && <SummaryRow label={t('detail.skipped')}>{r.message ?? r.skipped}</SummaryRow>}
    </>
  );
}
