import { describeVectorFile } from '../helpers/vector-file.js';
import { hostkeyRunners } from '../helpers/scheme-vectors.js';

describeVectorFile('hostkey.json', 'hostkey', hostkeyRunners);
