// API_REST_PREFIX lets tests boot the playground under another REST prefix (Strapi's default is '/api').
module.exports = ({ env }) => ({
  rest: { prefix: env('API_REST_PREFIX', '/api'), defaultLimit: 25, maxLimit: 100, withCount: true },
});
