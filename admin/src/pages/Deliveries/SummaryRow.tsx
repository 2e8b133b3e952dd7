import { Box, Flex, Typography } from '@strapi/design-system';
import type * as React from 'react';

/** One line of the delivery's summary: a label, then what happened. */
export function SummaryRow({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <Flex gap={4} alignItems="flex-start" data-testid={testId}>
      <Box minWidth="14rem" width="14rem">
        <Typography variant="sigma" textColor="neutral600">
          {label}
        </Typography>
      </Box>
      <Box flex="1">{typeof children === 'string' ? <Typography>{children}</Typography> : children}</Box>
    </Flex>
  );
}

/** A list of names (tags, fields), or `none` when it is empty. */
export function NameList({ names, none }: { names: readonly string[]; none: string }) {
  return <Typography>{names.length ? names.join(', ') : none}</Typography>;
}
