export default {
  type: 'content-api',
  routes: [
    {
      // Public: Customerly cannot log in. The access key in the URL (or header) is checked by the webhook service.
      method: 'POST',
      path: '/webhook',
      handler: 'webhook.handle',
      config: { auth: false, policies: [] },
    },
    {
      // users-permissions auth: the Authenticated role is granted this route once, at the first start.
      method: 'GET',
      path: '/me',
      handler: 'me.find',
      config: { policies: [] },
    },
  ],
};
