const { winston, formats } = require('@strapi/logger');

// LOG_LEVEL is a threshold: that level and every more severe one are printed (winston's npm levels: error, warn,
// info, http, verbose, debug, silly). The default 'http' shows Strapi's request log and every info, warning and
// error; tests run at 'warn' to see only warnings and errors. Times are on a 24-hour clock, to the millisecond.
// (No formats.levelFilter here: it keeps one level only, which hid every warning and error at 'http'.)
module.exports = ({ env }) => {
  const level = env('LOG_LEVEL', 'http');
  return {
    // The logger's own level too: Strapi defaults it to 'http', which would drop debug lines before the transport.
    level,
    transports: [
      new winston.transports.Console({
        level,
        format: formats.prettyPrint({ timestamps: 'YYYY-MM-DD HH:mm:ss.SSS' }),
      }),
    ],
  };
};
