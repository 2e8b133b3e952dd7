const USER = 'plugin::users-permissions.user';
const TAG = 'plugin::customerly.tag';

module.exports = ({ strapi }) => ({
  async updateTags(ctx) {
    if (process.env.PLAYGROUND_BENCH !== 'true') return ctx.notFound();
    const { email, tags } = ctx.request.body;
    const user = await strapi.db.query(USER).findOne({ where: { email: { $eqi: email } }, populate: { tags: { select: ['id', 'name'] } } });
    if (!user) return ctx.notFound();
    const keys = tags.map((t) => t.toLowerCase());
    const found = await strapi.db.query(TAG).findMany({ where: { nameKey: { $in: keys } }, select: ['id', 'nameKey'] });
    const ids = new Map(found.map((t) => [t.nameKey, t.id]));
    for (const name of tags) {
      if (!ids.has(name.toLowerCase())) {
        const created = await strapi.documents(TAG).create({ data: { name, nameKey: name.toLowerCase() } });
        ids.set(name.toLowerCase(), created.id);
      }
    }
    await strapi.documents(USER).update({ documentId: user.documentId, data: { tags: { set: keys.map((k) => ({ id: ids.get(k) })) } } });
    ctx.body = { ok: true };
  },
});
