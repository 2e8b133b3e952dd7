import {
  Alert,
  Box,
  Button,
  Checkbox,
  Dialog,
  Field,
  Flex,
  Grid,
  IconButton,
  Radio,
  SingleSelect,
  SingleSelectOption,
  TextInput,
  Textarea,
  Toggle,
  Typography,
} from '@strapi/design-system';
import { ArrowClockwise, Check, Duplicate, Eye, EyeStriked, Key, Plus, Trash } from '@strapi/icons';
import { Layouts, Page, useClipboard, useNotification, useRBAC } from '@strapi/strapi/admin';
import * as React from 'react';
import { Link as RouterLink } from 'react-router-dom';
import { ACTIONS } from '../../../server/src/permissions';
import { ApiError, useCustomerlyApi, type SettingsSave } from '../api/client';
import { MAPPING_TYPES, type AdminSettings, type ConnectionResult, type EditableSettings, type MappingRow } from '../api/schemas';
import { Section, TextBlock } from '../components/Section';
import { useT, type MessageKey } from '../utils/useT';
import { SAMPLE_VARS, publicOrigin, renderPreview, webhookUrl } from '../utils/webhook-url';

const DEFAULT_ROLE = '__default__';
const NO_ROLE = '__none__';

/** Settings → Customerly. Readable with settings.read; Save, keys, reveal and test need settings.update. */
const SettingsPage = () => (
  <Page.Protect permissions={[{ action: ACTIONS.settingsRead, subject: null }]}>
    <SettingsForm />
  </Page.Protect>
);

function SettingsForm() {
  const t = useT();
  const api = useCustomerlyApi();
  const { toggleNotification } = useNotification();
  const { copy } = useClipboard();
  const { allowedActions, isLoading: rbacLoading } = useRBAC([{ action: ACTIONS.settingsUpdate, subject: null }]);
  const canUpdate: boolean = !!allowedActions.canUpdate;

  const [data, setData] = React.useState<AdminSettings | null>(null);
  const [form, setForm] = React.useState<EditableSettings | null>(null);
  const [loadError, setLoadError] = React.useState<string | null>(null);
  const [errors, setErrors] = React.useState<Record<string, string>>({});
  const [saving, setSaving] = React.useState(false);
  const [tokenInput, setTokenInput] = React.useState('');
  const [clearToken, setClearToken] = React.useState(false);
  const [key, setKey] = React.useState<string | null>(null);
  const [showKey, setShowKey] = React.useState(false);
  const [testing, setTesting] = React.useState(false);
  const [connection, setConnection] = React.useState<ConnectionResult | null>(null);
  const [urlOpts, setUrlOpts] = React.useState({ sendNotification: false, role: '' });
  const [preview, setPreview] = React.useState(false);

  const load = React.useCallback(async () => {
    try {
      const s = await api.getSettings();
      setData(s);
      setForm(structuredClone(s.settings));
      setLoadError(null);
    } catch (e) {
      setLoadError((e as Error).message);
    }
  }, [api]);

  React.useEffect(() => {
    void load();
  }, [load]);

  if (loadError) return <Page.Error>{t('settings.loadError', { message: loadError })}</Page.Error>;
  if (!data || !form || rbacLoading) return <Page.Loading />;

  const locked = (field: string) => data.locked[field];
  const set = <K extends keyof EditableSettings>(k: K, v: EditableSettings[K]) => setForm((f) => (f ? { ...f, [k]: v } : f));
  const err = (path: string) => errors[path];
  const disabled = !canUpdate;

  const notifyError = (e: unknown, key: MessageKey = 'settings.saveError') => {
    const message = e instanceof ApiError ? e.message : String((e as Error)?.message ?? e);
    toggleNotification({ type: 'danger', message: t(key, { message }) });
  };

  const save = async () => {
    setSaving(true);
    setErrors({});
    const body: SettingsSave = { ...form };
    if (locked('apiUrl')) delete body.apiUrl;
    if (clearToken) body.apiToken = '';
    else if (tokenInput.trim()) body.apiToken = tokenInput.trim();
    try {
      const s = await api.saveSettings(body);
      setData(s);
      setForm(structuredClone(s.settings));
      setTokenInput('');
      setClearToken(false);
      toggleNotification({ type: 'success', message: t('settings.saved') });
    } catch (e) {
      if (e instanceof ApiError) setErrors(e.fieldErrors);
      notifyError(e);
    } finally {
      setSaving(false);
    }
  };

  const rotate = async () => {
    try {
      const r = await api.rotateKey();
      setKey(r.webhookKey);
      setShowKey(true);
      setData(r.settings);
      toggleNotification({ type: 'success', message: t('key.generated') });
    } catch (e) {
      notifyError(e);
    }
  };

  const currentKey = async (): Promise<string | null> => {
    if (key) return key;
    if (!canUpdate || !data.secrets.webhookKey.set) return null;
    const value = await api.reveal('webhookKey');
    setKey(value);
    return value;
  };

  const toggleShowKey = async () => {
    if (!showKey) {
      try {
        await currentKey();
      } catch (e) {
        notifyError(e);
        return;
      }
    }
    setShowKey((v) => !v);
  };

  const copyText = async (text: string) => {
    const ok = await copy(text);
    toggleNotification({ type: ok ? 'success' : 'warning', message: t(ok ? 'urls.copied' : 'urls.copyFailed') });
  };

  const origin = publicOrigin(data.meta.serverUrl);
  const urlFor = (action: string, keyValue: string) => webhookUrl(origin, data.meta.webhookPath, action, keyValue, urlOpts);

  const copyUrl = async (action: string) => {
    if (!data.secrets.webhookKey.set) return toggleNotification({ type: 'warning', message: t('urls.needKey') });
    if (!canUpdate) return toggleNotification({ type: 'warning', message: t('urls.needUpdate') });
    try {
      const k = await currentKey();
      if (k) await copyText(urlFor(action, k));
    } catch (e) {
      notifyError(e);
    }
  };

  const test = async () => {
    setTesting(true);
    setConnection(null);
    try {
      setConnection(await api.testConnection(tokenInput.trim() ? { apiToken: tokenInput.trim() } : {}));
    } catch (e) {
      notifyError(e);
    } finally {
      setTesting(false);
    }
  };

  const keySet = data.secrets.webhookKey.set;
  const keyLocked = data.secrets.webhookKey.locked;
  const shownKey = showKey && key ? key : keySet ? data.secrets.webhookKey.masked : '';
  const roleOptions = data.meta.roles;
  const mappingTargets = [...data.meta.userAttributes.map((a) => a.name), ...data.meta.loginTargets];

  const setRow = (i: number, patch: Partial<MappingRow>) =>
    set(
      'fieldMapping',
      form.fieldMapping.map((r, j) => (j === i ? { ...r, ...patch } : r))
    );

  return (
    <Page.Main>
      <Page.Title>{t('settings.title')}</Page.Title>
      <Layouts.Header
        title={t('settings.title')}
        subtitle={t('settings.subtitle')}
        primaryAction={
          <Button startIcon={<Check />} onClick={save} loading={saving} disabled={disabled || saving} type="button">
            {t('settings.save')}
          </Button>
        }
        secondaryAction={
          <Button variant="tertiary" tag={RouterLink} to="/plugins/customerly">
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

          <Section title={t('howto.title')} id="customerly-howto">
            <ol style={{ margin: 0, paddingLeft: 20, display: 'grid', gap: 8 }}>
              {(['howto.step1', 'howto.step2', 'howto.step3'] as const).map((k) => (
                <li key={k}>
                  <Typography>{t(k)}</Typography>
                </li>
              ))}
            </ol>
          </Section>

          <Section title={t('key.title')} id="customerly-key">
            <Field.Root name="webhookKey" hint={keyLocked ? t('settings.locked', { envVar: data.secrets.webhookKey.envVar }) : t('key.hint')}>
              <Field.Label>{t('key.label')}</Field.Label>
              <Flex gap={2}>
                <Box flex="1">
                  <TextInput readOnly value={shownKey} placeholder={t('key.notSet')} aria-label={t('key.label')} data-testid="access-key" />
                </Box>
                {keySet && canUpdate && (
                  <>
                    <IconButton label={showKey ? t('key.hide') : t('key.show')} onClick={toggleShowKey}>
                      {showKey ? <EyeStriked /> : <Eye />}
                    </IconButton>
                    <IconButton label={t('key.copy')} onClick={async () => { const k = await currentKey(); if (k) await copyText(k); }}>
                      <Duplicate />
                    </IconButton>
                  </>
                )}
                {!keyLocked && !keySet && (
                  <Button startIcon={<Key />} onClick={rotate} disabled={disabled}>
                    {t('key.generate')}
                  </Button>
                )}
                {!keyLocked && keySet && (
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
                          <Button variant="tertiary">{t('detail.close')}</Button>
                        </Dialog.Cancel>
                        <Dialog.Action>
                          <Button variant="danger" onClick={rotate}>
                            {t('key.rotate')}
                          </Button>
                        </Dialog.Action>
                      </Dialog.Footer>
                    </Dialog.Content>
                  </Dialog.Root>
                )}
              </Flex>
              <Field.Hint />
            </Field.Root>
          </Section>

          <Section title={t('urls.title')} id="customerly-urls">
            <Typography textColor="neutral600">{t('urls.hint')}</Typography>
            <Grid.Root gap={4}>
              <Grid.Item col={6} s={12}>
                <Checkbox checked={urlOpts.sendNotification} onCheckedChange={(c) => setUrlOpts((o) => ({ ...o, sendNotification: c === true }))}>
                  {t('urls.sendNotification')}
                </Checkbox>
              </Grid.Item>
              <Grid.Item col={6} s={12}>
                <Field.Root name="urlRole" width="100%">
                  <Field.Label>{t('urls.role')}</Field.Label>
                  <SingleSelect value={urlOpts.role || NO_ROLE} onChange={(v) => setUrlOpts((o) => ({ ...o, role: String(v) === NO_ROLE ? '' : String(v) }))}>
                    <SingleSelectOption value={NO_ROLE}>{t('urls.roleNone')}</SingleSelectOption>
                    {roleOptions.map((r) => (
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
                      value={keySet ? urlFor(action, showKey && key ? key : '••••••••') : t('urls.needKey')}
                      aria-label={`${t('urls.title')}: ${action}`}
                      data-testid={`webhook-url-${action}`}
                    />
                  </Box>
                  <IconButton label={`${t('urls.copy')}: ${action}`} onClick={() => copyUrl(action)} disabled={!keySet || !canUpdate} data-testid={`copy-url-${action}`}>
                    <Duplicate />
                  </IconButton>
                </Flex>
              </Field.Root>
            ))}
          </Section>

          <Section title={t('token.title')} id="customerly-api">
            <Field.Root
              name="apiToken"
              error={err('apiToken')}
              hint={data.secrets.apiToken.locked ? t('settings.locked', { envVar: data.secrets.apiToken.envVar }) : t('token.hint')}
            >
              <Field.Label>{t('token.label')}</Field.Label>
              <Flex gap={2}>
                <Box flex="1">
                  <TextInput
                    type="password"
                    autoComplete="off"
                    value={tokenInput}
                    onChange={(e: React.ChangeEvent<HTMLInputElement>) => {
                      setTokenInput(e.target.value);
                      setClearToken(false);
                    }}
                    placeholder={data.secrets.apiToken.set ? `${data.secrets.apiToken.masked}  ${t('token.placeholderSet')}` : t('token.placeholderEmpty')}
                    disabled={disabled || data.secrets.apiToken.locked}
                  />
                </Box>
                <Button variant="secondary" onClick={test} loading={testing} disabled={disabled || testing}>
                  {testing ? t('token.testing') : t('token.test')}
                </Button>
                {data.secrets.apiToken.set && !data.secrets.apiToken.locked && (
                  <IconButton label={t('token.clear')} onClick={() => { setClearToken(true); setTokenInput(''); }} disabled={disabled}>
                    <Trash />
                  </IconButton>
                )}
              </Flex>
              <Field.Hint />
              <Field.Error />
            </Field.Root>
            {connection && (
              <Alert
                closeLabel="×"
                onClose={() => setConnection(null)}
                variant={connection.ok ? 'success' : 'danger'}
                title={connection.ok ? t('token.ok', { message: '' }) : ''}
                data-testid="connection-result"
              >
                {connection.message}
              </Alert>
            )}
            <Field.Root name="apiUrl" error={err('apiUrl')} hint={locked('apiUrl') ? t('settings.locked', { envVar: locked('apiUrl')! }) : t('apiUrl.hint')}>
              <Field.Label>{t('apiUrl.label')}</Field.Label>
              <TextInput value={form.apiUrl} onChange={(e: React.ChangeEvent<HTMLInputElement>) => set('apiUrl', e.target.value)} disabled={disabled || !!locked('apiUrl')} />
              <Field.Hint />
              <Field.Error />
            </Field.Root>
          </Section>

          <Section title={t('password.title')} id="customerly-password">
            <Field.Root name="returnPassword.enabled">
              <Field.Label>{t('password.toggle')}</Field.Label>
              <Toggle
                onLabel="On"
                offLabel="Off"
                checked={form.returnPassword.enabled}
                onChange={(e: React.ChangeEvent<HTMLInputElement>) => set('returnPassword', { ...form.returnPassword, enabled: e.target.checked })}
                disabled={disabled}
                data-testid="return-password-toggle"
              />
            </Field.Root>
            <Field.Root name="returnPassword.attribute" error={err('returnPassword.attribute')} hint={t('password.attributeHint')}>
              <Field.Label>{t('password.attribute')}</Field.Label>
              <TextInput
                value={form.returnPassword.attribute}
                onChange={(e: React.ChangeEvent<HTMLInputElement>) => set('returnPassword', { ...form.returnPassword, attribute: e.target.value })}
                disabled={disabled}
              />
              <Field.Hint />
              <Field.Error />
            </Field.Root>
          </Section>

          <Section title={t('roles.title')} id="customerly-roles">
            <Field.Root name="defaultRole" error={err('defaultRole')} hint={t('roles.defaultHint', { role: data.meta.upDefaultRole })}>
              <Field.Label>{t('roles.default')}</Field.Label>
              <SingleSelect value={form.defaultRole || DEFAULT_ROLE} onChange={(v) => set('defaultRole', String(v) === DEFAULT_ROLE ? '' : String(v))} disabled={disabled}>
                <SingleSelectOption value={DEFAULT_ROLE}>{t('roles.defaultNone')}</SingleSelectOption>
                {roleOptions.map((r) => (
                  <SingleSelectOption key={r.type} value={r.type}>
                    {r.name}
                  </SingleSelectOption>
                ))}
              </SingleSelect>
              <Field.Hint />
              <Field.Error />
            </Field.Root>
            <Field.Root name="allowedRoles" error={Object.entries(errors).find(([k]) => k.startsWith('allowedRoles'))?.[1]} hint={t('roles.allowedHint')}>
              <Field.Label>{t('roles.allowed')}</Field.Label>
              <Flex gap={6} wrap="wrap" data-testid="allowed-roles">
                {roleOptions.map((r) => {
                  const on = form.allowedRoles.some((a) => a.toLowerCase() === r.type.toLowerCase() || a.toLowerCase() === r.name.toLowerCase());
                  return (
                    <Checkbox
                      key={r.type}
                      name={`allowedRoles.${r.type}`}
                      checked={on}
                      disabled={disabled}
                      onCheckedChange={(c) =>
                        set(
                          'allowedRoles',
                          c === true
                            ? [...form.allowedRoles, r.type]
                            : form.allowedRoles.filter((a) => a.toLowerCase() !== r.type.toLowerCase() && a.toLowerCase() !== r.name.toLowerCase())
                        )
                      }
                    >
                      {r.name}
                    </Checkbox>
                  );
                })}
              </Flex>
              <Field.Hint />
              <Field.Error />
            </Field.Root>
          </Section>

          <Section title={t('users.title')} id="customerly-users">
            <Grid.Root gap={4}>
              <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                <Field.Root name="usernameFormat" error={err('usernameFormat')}>
                  <Field.Label>{t('users.usernameFormat')}</Field.Label>
                  <SingleSelect value={form.usernameFormat} onChange={(v) => set('usernameFormat', String(v) as EditableSettings['usernameFormat'])} disabled={disabled}>
                    {(['email', 'email-local', 'name'] as const).map((f) => (
                      <SingleSelectOption key={f} value={f}>
                        {t(`users.format.${f}`)}
                      </SingleSelectOption>
                    ))}
                  </SingleSelect>
                  <Field.Error />
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                <Field.Root name="processing" error={err('processing')}>
                  <Field.Label>{t('users.processing')}</Field.Label>
                  <SingleSelect value={form.processing} onChange={(v) => set('processing', String(v) as EditableSettings['processing'])} disabled={disabled}>
                    {(['sync', 'queued'] as const).map((p) => (
                      <SingleSelectOption key={p} value={p}>
                        {t(`users.processing.${p}`)}
                      </SingleSelectOption>
                    ))}
                  </SingleSelect>
                  <Field.Error />
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={12} direction="column" alignItems="stretch">
                <Checkbox checked={form.confirmed} disabled={disabled} onCheckedChange={(c) => set('confirmed', c === true)}>
                  {t('users.confirmed')}
                </Checkbox>
              </Grid.Item>
            </Grid.Root>
          </Section>

          <Section title={t('mapping.title')} id="customerly-mapping">
            <Typography textColor="neutral600">{t('mapping.hint')}</Typography>
            {form.fieldMapping.length === 0 && <Typography textColor="neutral500">{t('mapping.empty')}</Typography>}
            {form.fieldMapping.map((row, i) => (
              <Grid.Root key={i} gap={3} data-testid={`mapping-row-${i}`}>
                <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                  <Field.Root name={`fieldMapping.${i}.from`} error={err(`fieldMapping.${i}.from`)}>
                    <Field.Label>{t('mapping.from')}</Field.Label>
                    <TextInput value={row.from} placeholder="attributes.plan" onChange={(e: React.ChangeEvent<HTMLInputElement>) => setRow(i, { from: e.target.value })} disabled={disabled} />
                    <Field.Error />
                  </Field.Root>
                </Grid.Item>
                <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                  <Field.Root name={`fieldMapping.${i}.to`} error={err(`fieldMapping.${i}.to`)}>
                    <Field.Label>{t('mapping.to')}</Field.Label>
                    <SingleSelect value={row.to || undefined} placeholder="—" onChange={(v) => setRow(i, { to: String(v) })} disabled={disabled}>
                      {[...new Set([...mappingTargets, ...(row.to ? [row.to] : [])])].map((name) => (
                        <SingleSelectOption key={name} value={name}>
                          {name}
                        </SingleSelectOption>
                      ))}
                    </SingleSelect>
                    <Field.Error />
                  </Field.Root>
                </Grid.Item>
                <Grid.Item col={3} s={10} direction="column" alignItems="stretch">
                  <Field.Root name={`fieldMapping.${i}.type`} error={err(`fieldMapping.${i}.type`)}>
                    <Field.Label>{t('mapping.type')}</Field.Label>
                    <SingleSelect value={row.type} onChange={(v) => setRow(i, { type: String(v) as MappingRow['type'] })} disabled={disabled}>
                      {MAPPING_TYPES.map((type) => (
                        <SingleSelectOption key={type} value={type}>
                          {type}
                        </SingleSelectOption>
                      ))}
                    </SingleSelect>
                  </Field.Root>
                </Grid.Item>
                <Grid.Item col={1} s={2} alignItems="flex-end" paddingTop={6}>
                  <IconButton
                    label={t('mapping.remove', { n: i + 1 })}
                    onClick={() => set('fieldMapping', form.fieldMapping.filter((_, j) => j !== i))}
                    disabled={disabled}
                  >
                    <Trash />
                  </IconButton>
                </Grid.Item>
              </Grid.Root>
            ))}
            <Box>
              <Button variant="secondary" startIcon={<Plus />} disabled={disabled} onClick={() => set('fieldMapping', [...form.fieldMapping, { from: '', to: '', type: 'string' }])}>
                {t('mapping.add')}
              </Button>
            </Box>
          </Section>

          <Section title={t('email.title')} id="customerly-email">
            <Field.Root name="welcomeEmail.always">
              <Field.Label>{t('email.when')}</Field.Label>
              <Radio.Group
                value={form.welcomeEmail.always ? 'always' : 'request'}
                onValueChange={(v: string) => set('welcomeEmail', { ...form.welcomeEmail, always: v === 'always' })}
                disabled={disabled}
                aria-label={t('email.when')}
              >
                <Radio.Item value="request">{t('email.onRequest')}</Radio.Item>
                <Radio.Item value="always">{t('email.always')}</Radio.Item>
              </Radio.Group>
            </Field.Root>
            <Typography variant="pi" textColor="neutral600">
              {t('email.variables', { vars: '{{username}} {{email}} {{link}} {{siteName}}' })}
            </Typography>
            <Field.Root name="welcomeEmail.siteName" error={err('welcomeEmail.siteName')}>
              <Field.Label>{t('email.siteName', { variable: '{{siteName}}' })}</Field.Label>
              <TextInput value={form.welcomeEmail.siteName ?? ''} onChange={(e: React.ChangeEvent<HTMLInputElement>) => set('welcomeEmail', { ...form.welcomeEmail, siteName: e.target.value })} disabled={disabled} />
              <Field.Error />
            </Field.Root>
            <Field.Root name="welcomeEmail.subject" error={err('welcomeEmail.subject')}>
              <Field.Label>{t('email.subject')}</Field.Label>
              <TextInput value={form.welcomeEmail.subject} placeholder="Welcome to {{siteName}}" onChange={(e: React.ChangeEvent<HTMLInputElement>) => set('welcomeEmail', { ...form.welcomeEmail, subject: e.target.value })} disabled={disabled} />
              <Field.Error />
            </Field.Root>
            <Field.Root name="welcomeEmail.text" error={err('welcomeEmail.text')}>
              <Field.Label>{t('email.text')}</Field.Label>
              <Textarea value={form.welcomeEmail.text} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => set('welcomeEmail', { ...form.welcomeEmail, text: e.target.value })} disabled={disabled} />
              <Field.Error />
            </Field.Root>
            <Field.Root name="welcomeEmail.html" error={err('welcomeEmail.html')}>
              <Field.Label>{t('email.html')}</Field.Label>
              <Textarea value={form.welcomeEmail.html} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => set('welcomeEmail', { ...form.welcomeEmail, html: e.target.value })} disabled={disabled} />
              <Field.Error />
            </Field.Root>
            <Box>
              <Button variant="tertiary" startIcon={<Eye />} onClick={() => setPreview((p) => !p)}>
                {t('email.preview')}
              </Button>
            </Box>
            {preview && <EmailPreview settings={form} note={t('email.previewNote')} />}
          </Section>
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
}

function EmailPreview({ settings, note }: { settings: EditableSettings; note: string }) {
  const vars = { ...SAMPLE_VARS, ...(settings.welcomeEmail.siteName ? { siteName: settings.welcomeEmail.siteName } : {}) };
  const w = settings.welcomeEmail;
  return (
    <Flex direction="column" alignItems="stretch" gap={3} data-testid="email-preview">
      <Typography variant="pi" textColor="neutral600">
        {note}
      </Typography>
      <Typography fontWeight="bold">{renderPreview(w.subject || 'Welcome to {{siteName}}', vars, false)}</Typography>
      <TextBlock label="text" value={renderPreview(w.text, vars, false)} />
      {w.html && (
        <Box background="neutral0" borderColor="neutral200" hasRadius>
          {/* Sandboxed: no script or navigation from the template. */}
          <iframe title="html preview" sandbox="" srcDoc={renderPreview(w.html, vars, true)} style={{ width: '100%', minHeight: 180, border: 0 }} />
        </Box>
      )}
    </Flex>
  );
}

export default SettingsPage;
