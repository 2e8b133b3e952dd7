const USER = 'plugin::users-permissions.user';
const TAG = 'plugin::customerly.tag';
const DELIVERY = 'plugin::customerly.delivery';

module.exports = ({ strapi }) => ({
  async updateTags(ctx) {
    if (process.env.PLAYGROUND_BENCH !== 'true') return ctx.notFound();
    const { email, tags } = ctx.request.body;
    // ?record=1: also store the delivery first and its outcome last (the two writes durability costs).
    const record = ctx.query.record === '1';
    const delivery = record
      ? await strapi.db.query(DELIVERY).create({
          data: {
            eventId: `${Date.now()}-${Math.random()}`,
            receivedAt: new Date(),
            action: 'update_tags',
            email,
            payload: ctx.request.body,
            status: 'processing',
            attempts: 1,
          },
        })
      : null;
    const user = await strapi.db
      .query(USER)
      .findOne({ where: { email: { $eqi: email } }, populate: { tags: { select: ['id', 'name'] } } });
    if (!user) return ctx.notFound();
    const keys = tags.map((t) => t.toLowerCase());
    const found = await strapi.db.query(TAG).findMany({ where: { nameKey: { $in: keys } }, select: ['id', 'nameKey'] });
    const ids = new Map(found.map((t) => [t.nameKey, t.id]));
    // Tag entries are written by the plugin only (its tag guard refuses other writers): missing ones through it.
    const missing = tags.filter((name) => !ids.has(name.toLowerCase()));
    if (missing.length) {
      for (const t of await strapi.plugin('customerly').service('tags').ensure(missing))
        ids.set(t.name.toLowerCase(), t.id);
    }
    await strapi
      .documents(USER)
      .update({ documentId: user.documentId, data: { tags: { set: keys.map((k) => ({ id: ids.get(k) })) } } });
    if (delivery)
      await strapi.db
        .query(DELIVERY)
        .update({ where: { id: delivery.id }, data: { status: 'done', result: { ok: true } } });
    ctx.body = { ok: true };
  },
});
