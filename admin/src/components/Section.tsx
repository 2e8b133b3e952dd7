import { Box, Flex, Typography } from '@strapi/design-system';
import * as React from 'react';

/** A white card with a title, as Strapi's own settings pages have. */
export function Section({ title, children, id }: { title: string; children: React.ReactNode; id?: string }) {
  return (
    <Box
      id={id}
      background="neutral0"
      hasRadius
      shadow="filterShadow"
      paddingTop={6}
      paddingBottom={6}
      paddingLeft={7}
      paddingRight={7}
    >
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Typography variant="delta" tag="h2">
          {title}
        </Typography>
        {children}
      </Flex>
    </Box>
  );
}

/** JSON shown as preformatted text. */
export function JsonBlock({ value, label }: { value: unknown; label: string }) {
  return (
    <Box background="neutral100" padding={3} hasRadius style={{ overflow: 'auto', maxHeight: 320 }} aria-label={label}>
      <pre style={{ margin: 0, fontSize: 12, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
        {JSON.stringify(value ?? null, null, 2)}
      </pre>
    </Box>
  );
}

/** Plain text shown as it is (line breaks kept). */
export function TextBlock({ value, label }: { value: string; label: string }) {
  return (
    <Box background="neutral100" padding={3} hasRadius aria-label={label}>
      <pre style={{ margin: 0, fontSize: 13, whiteSpace: 'pre-wrap', fontFamily: 'inherit' }}>{value}</pre>
    </Box>
  );
}
