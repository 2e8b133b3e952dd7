import { Flex, Link, Typography } from '@strapi/design-system';
import { NavLink } from 'react-router-dom';
import {
  deliveryResultSummary,
  type DeliveryDetail,
  type DeliveryResultSummary,
} from '../../../../shared/contracts/deliveries';
import en from '../../translations/en.json';
import { useT, type MessageKey } from '../../utils/useT';
import { StatusBadge } from './StatusBadge';
import { OutboundSummary } from './OutboundSummary';
import { NameList, SummaryRow } from './SummaryRow';
import { useFormatWhen } from './useFormatWhen';

const USER_EDIT = '/content-manager/collection-types/plugin::users-permissions.user';

/** A value of the answer translated when the panel knows it (`detail.welcomeEmail.sent`), else shown as it is. */
function useValue() {
  const t = useT();
  return (prefix: 'detail.welcomeEmail' | 'detail.passwordReturn', value: string) => {
    const key = `${prefix}.${value}`;
    return key in en ? t(key as MessageKey) : value;
  };
}

/** What a delivery did, in words: status, times, user, role, tags, fields, email, the after-add effects, the retry. */
export function DeliverySummary({ detail }: { detail: DeliveryDetail }) {
  const t = useT();
  const when = useFormatWhen();
  const value = useValue();
  const r: DeliveryResultSummary = deliveryResultSummary.parse(detail.result ?? {});
  return (
    <Flex direction="column" alignItems="stretch" gap={3} data-testid="delivery-summary">
      <Flex gap={3} wrap="wrap">
        <StatusBadge status={detail.status} warnings={detail.warnings.length} />
        <Typography fontWeight="bold">{detail.action}</Typography>
        <Typography>{detail.email ?? '—'}</Typography>
      </Flex>
      <Typography variant="pi" textColor="neutral600">
        {t('detail.receivedAt')}: {when(detail.receivedAt)}
        {detail.processedAt ? ` · ${t('detail.processedAt')}: ${when(detail.processedAt)}` : ''}
      </Typography>
      {detail.action === 'test' ? (
        <Typography>{t('detail.testDelivery')}</Typography>
      ) : detail.direction === 'outbound' ? (
        <>
          <UserRow detail={detail} created={undefined} />
          <OutboundSummary detail={detail} />
        </>
      ) : (
        <>
          <UserRow detail={detail} created={r.user?.created} />
          {r.role && (
            <SummaryRow label={t('detail.role')} testId="summary-role">
              {[
                r.role.name ?? '—',
                r.role.changed && r.role.from ? t('detail.roleFrom', { from: r.role.from }) : '',
                r.role.changed === false ? t('detail.roleUnchanged') : '',
                r.role.rule ? t('detail.roleRule', { tag: r.role.rule }) : '',
                r.role.kept ?? '',
              ]
                .filter(Boolean)
                .join(' · ')}
            </SummaryRow>
          )}
          {r.tags && <TagsRows tags={r.tags} />}
          {r.fields && (
            <SummaryRow label={t('detail.fields')} testId="summary-fields">
              <NameList names={r.fields.updated ?? []} none={t('detail.none')} />
              {!!r.fields.skipped?.length && (
                <Typography textColor="warning600">
                  {t('detail.fieldsSkipped', { fields: r.fields.skipped.join(', ') })}
                </Typography>
              )}
            </SummaryRow>
          )}
          {r.email && (
            <SummaryRow label={t('detail.email')}>
              {r.email.changed && r.email.from && r.email.to
                ? t('detail.emailChanged', { from: r.email.from, to: r.email.to })
                : t('detail.emailKept', { reason: r.email.reason ?? t('detail.emailSame') })}
            </SummaryRow>
          )}
          {r.welcomeEmail && (
            <SummaryRow label={t('detail.welcomeEmail')}>{value('detail.welcomeEmail', r.welcomeEmail)}</SummaryRow>
          )}
          {r.passwordReturn && (
            <SummaryRow label={t('detail.passwordReturn')} testId="summary-password-return">
              {value('detail.passwordReturn', r.passwordReturn)}
            </SummaryRow>
          )}
          {r.skipped && <SummaryRow label={t('detail.skipped')}>{r.reason ?? r.skipped}</SummaryRow>}
        </>
      )}
      {detail.nextRetryAt && <SummaryRow label={t('detail.nextRetry')}>{when(detail.nextRetryAt)}</SummaryRow>}
    </Flex>
  );
}

/** The user, linked to its page in the Content Manager. */
function UserRow({ detail, created }: { detail: DeliveryDetail; created: boolean | undefined }) {
  const t = useT();
  const user = detail.user;
  return (
    <SummaryRow label={t('detail.user')} testId="summary-user">
      {user ? (
        <Flex gap={2} wrap="wrap">
          <Link tag={NavLink} to={`${USER_EDIT}/${user.documentId}`}>
            {user.username === user.email ? user.email : `${user.username} (${user.email})`}
          </Link>
          {created !== undefined && (
            <Typography textColor="neutral600">
              {created ? t('detail.userCreated') : t('detail.userUpdated')}
            </Typography>
          )}
        </Flex>
      ) : (
        t('detail.noUser')
      )}
    </SummaryRow>
  );
}

/** Tags added and removed, or why they were left as they are. */
function TagsRows({ tags }: { tags: NonNullable<DeliveryResultSummary['tags']> }) {
  const t = useT();
  if (tags.unchanged) {
    return (
      <SummaryRow label={t('detail.tags')} testId="summary-tags">
        {t('detail.tagsUnknown', { reason: tags.reason ?? '?' })}
      </SummaryRow>
    );
  }
  return (
    <>
      <SummaryRow label={t('detail.tagsAdded')} testId="summary-tags-added">
        <NameList names={tags.added ?? []} none={t('detail.none')} />
      </SummaryRow>
      <SummaryRow label={t('detail.tagsRemoved')} testId="summary-tags-removed">
        <NameList names={tags.removed ?? []} none={t('detail.none')} />
      </SummaryRow>
      <SummaryRow label={t('detail.tags')} testId="summary-tags">
        <NameList names={tags.names ?? []} none={t('detail.none')} />
      </SummaryRow>
    </>
  );
}
