import { Box, Flex, Typography } from '@strapi/design-system';
import {
  SAMPLE_USER,
  renderWelcomeEmail,
  siteNameFor,
  type TemplateVariables,
} from '../../../../../shared/contracts/email-template';
import type { EditableSettings } from '../../../../../shared/contracts/settings';
import { TextBlock } from '../../../components/Section';
import { useT } from '../../../utils/useT';

/** Sample values (the test email's user); {{siteName}} is worked out as the server does it. */
const SAMPLE: Omit<TemplateVariables, 'siteName'> = {
  ...SAMPLE_USER,
  link: 'https://example.com/reset-password?code=…',
};

interface Props {
  template: EditableSettings['welcomeEmail'];
  /** The server's public URL, whose host is {{siteName}} when none is set. */
  serverUrl: string;
}

/**
 * The welcome email as it would be sent, rendered by the same function and defaults as the server's: an empty
 * subject, text or HTML field shows the built-in template, as the sent email uses it.
 */
export function EmailPreview({ template, serverUrl }: Props) {
  const t = useT();
  const email = renderWelcomeEmail(template, { ...SAMPLE, siteName: siteNameFor(template.siteName, serverUrl) });
  return (
    <Flex direction="column" alignItems="stretch" gap={3} data-testid="email-preview">
      <Typography variant="pi" textColor="neutral600">
        {t('email.previewNote')}
      </Typography>
      <Typography fontWeight="bold">{email.subject}</Typography>
      <TextBlock label="text" value={email.text} />
      <Box background="neutral0" borderColor="neutral200" hasRadius>
        {/* Sandboxed: no script or navigation from the template. */}
        <iframe
          title="html preview"
          sandbox=""
          srcDoc={email.html}
          style={{ width: '100%', minHeight: 180, border: 0 }}
        />
      </Box>
    </Flex>
  );
}
