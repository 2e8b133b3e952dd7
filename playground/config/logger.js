const { winston, formats } = require('@strapi/logger');

// LOG_LEVEL lets tests run quietly ('warn') or check what Strapi's request log writes ('http', the default).
module.exports = ({ env }) => ({
  transports: [
    new winston.transports.Console({
      level: env('LOG_LEVEL', 'http'),
      format: winston.format.combine(formats.levelFilter(env('LOG_LEVEL', 'http')), formats.prettyPrint({ timestamps: 'YYYY-MM-DD hh:mm:ss.SSS' })),
    }),
  ],
});
