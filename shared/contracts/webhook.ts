/** The webhook Customerly calls: what the server accepts and the panel builds URLs for. */

/** The `action` query parameter. */
export const WEBHOOK_ACTIONS = ['add', 'update', 'update_tags', 'test'] as const;
export type WebhookAction = (typeof WEBHOOK_ACTIONS)[number];

/** Actions that accept `role=` (the role given to the user). */
export const ACTIONS_WITH_ROLE: readonly WebhookAction[] = ['add', 'update', 'update_tags'];
/** Actions that accept `send_notification=` (the welcome email). */
export const ACTIONS_WITH_NOTIFICATION: readonly WebhookAction[] = ['add'];

/** A Customerly contact is a registered user or a lead (someone who typed an email into the chat widget). */
export const CONTACT_KINDS = ['user', 'lead'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];
