import webhook from './webhook';

export default { webhook };
