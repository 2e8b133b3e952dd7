// The benchmark's baseline (see bench/run.ts): a bare route doing the same database writes as the plugin's
// update_tags, with nothing around them. It answers 404 unless PLAYGROUND_BENCH=true.
module.exports = {
  routes: [{ method: 'POST', path: '/bench/update-tags', handler: 'bench.updateTags', config: { auth: false } }],
};
