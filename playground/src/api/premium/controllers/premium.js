module.exports = {
  show(ctx) {
    ctx.body = { ok: true, path: ctx.path };
  },
};
