const path = require('path');

module.exports = ({ env }) => ({
  'users-permissions': {
    config: { jwtSecret: env('JWT_SECRET') },
  },
  // An offline email provider: nodemailer's JSON transport builds each message and sends nothing.
  // The tests capture the messages it is given.
  email: {
    config: {
      provider: 'nodemailer',
      providerOptions: { jsonTransport: true },
      settings: {
        defaultFrom: env('EMAIL_FROM', 'no-reply@playground.local'),
        defaultReplyTo: env('EMAIL_FROM', 'no-reply@playground.local'),
      },
    },
  },
  customerly: {
    enabled: true,
    // Must be absolute: a relative path would resolve inside Strapi's own package.
    resolve: path.resolve(__dirname, '..', '..'),
    // Tests pass extra plugin config as JSON; a developer normally leaves this unset.
    config: JSON.parse(env('PLAYGROUND_CUSTOMERLY_CONFIG', '{}')),
  },
});
