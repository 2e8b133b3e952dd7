/**
 * The playground sends no email (config/plugins.js: nodemailer's JSON transport builds each message and delivers
 * nothing), so it prints each one to the terminal instead, at the info level: who it is for, its subject and its
 * text, links included (the welcome email's set-password link can be followed from there). Playground only.
 */

/** A readable text of an HTML body: line breaks kept, links as "text (href)", tags dropped. */
function htmlToText(html) {
  return String(html)
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<a\s[^>]*href\s*=\s*["']([^"']*)["'][^>]*>([\s\S]*?)<\/a>/gi, (_, href, label) => `${label} (${href})`)
    .replace(/<br\s*\/?>|<\/(p|div|h[1-6]|li|tr)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const addresses = (value) => (Array.isArray(value) ? value.join(', ') : String(value ?? ''));

/** The lines printed for one message. */
function describeEmail(message) {
  // users-permissions sends its HTML as the text too: a text that holds tags is read as HTML.
  const text = message.text ? String(message.text) : '';
  const body =
    text && !/<\/?[a-z][^>]*>/i.test(text) ? text.trim() : htmlToText(text || message.html || '') || '(no body)';
  return [
    'Email captured by the playground (not delivered):',
    `  To:      ${addresses(message.to)}`,
    ...(message.from ? [`  From:    ${addresses(message.from)}`] : []),
    `  Subject: ${message.subject ?? ''}`,
    ...body.split('\n').map((line) => `  | ${line}`),
  ].join('\n');
}

/** Wraps the email provider's send so that every message it sends is printed. */
function printSentEmails(strapi) {
  const provider = strapi.plugin('email') && strapi.plugin('email').provider;
  if (!provider || typeof provider.send !== 'function') return;
  const send = provider.send.bind(provider);
  provider.send = async (message) => {
    const result = await send(message);
    strapi.log.info(describeEmail(message || {}));
    return result;
  };
}

module.exports = { printSentEmails, describeEmail, htmlToText };
