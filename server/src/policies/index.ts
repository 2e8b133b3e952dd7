import hasTags from './has-tags';

export default { 'has-tags': hasTags };
