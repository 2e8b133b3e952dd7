const { winston, formats } = require('@strapi/logger');

// LOG_LEVEL is a threshold: that level and every more severe one are printed (winston's npm levels: error, warn,
// info, http, verbose, debug, silly). The default 'http' shows Strapi's request log and every info, warning and
// error; tests run at 'warn' to see only warnings and errors.
// (No formats.levelFilter here: it keeps one level only, which hid every warning and error at 'http'.)
module.exports = ({ env }) => ({
  transports: [
    new winston.transports.Console({
      level: env('LOG_LEVEL', 'http'),
      format: formats.prettyPrint({ timestamps: 'YYYY-MM-DD HH:mm:ss.SSS' }),
    }),
  ],
});
