// Routes of the app that open by Customerly tag (the plugin's `has-tags` policy), as a site would write them.
// They use users-permissions auth: the Authenticated role needs the permission on them (Settings → Roles).
const hasTags = (config) => ({ name: 'plugin::customerly.has-tags', config });

const routes = [
  {
    method: 'GET',
    path: '/premium/any',
    handler: 'premium.show',
    config: { policies: [hasTags({ any: ['Pro', 'VIP'] })] },
  },
  {
    method: 'GET',
    path: '/premium/all',
    handler: 'premium.show',
    config: { policies: [hasTags({ all: ['Pro', 'Beta'] })] },
  },
  { method: 'GET', path: '/premium/open', handler: 'premium.show', config: { policies: [] } },
];

// Tests start the app with a bad policy config to see startup refuse it, naming the route.
if (process.env.PLAYGROUND_BAD_TAGS_POLICY === 'true') {
  routes.push({
    method: 'GET',
    path: '/premium/bad',
    handler: 'premium.show',
    config: { policies: [hasTags({ any: [] })] },
  });
}

module.exports = { routes };
