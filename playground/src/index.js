/**
 * The playground's own code. It gives the users-permissions user a few profile fields, as a real app would,
 * so that the Customerly field mapping has something to write to; it prints every email it would send (none is
 * delivered) and, once Strapi is ready, the banner of scripts/playground.js.
 */
const { printSentEmails } = require('./print-emails');
const { printBannerWhenReady } = require('./ready-banner');

const PROFILE_ATTRIBUTES = {
  firstName: { type: 'string' },
  plan: { type: 'string' },
  seats: { type: 'integer' },
  vip: { type: 'boolean' },
  trialEndsAt: { type: 'datetime' },
  birthday: { type: 'date' },
  profile: { type: 'json' },
};

module.exports = {
  register({ strapi }) {
    const user = strapi.contentType('plugin::users-permissions.user');
    for (const [name, attribute] of Object.entries(PROFILE_ATTRIBUTES)) {
      user.attributes[name] = attribute;
      if (user.__schema__ && user.__schema__.attributes) user.__schema__.attributes[name] = attribute;
    }
  },
  bootstrap({ strapi }) {
    printSentEmails(strapi);
    printBannerWhenReady(strapi);
  },
};
