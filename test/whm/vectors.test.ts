import { describeVectorFile } from '../helpers/vector-file.js';
import { whmRunners } from '../helpers/scheme-vectors.js';

describeVectorFile('whm.json', 'whm', whmRunners);
