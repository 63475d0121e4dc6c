export { PhpArray, phpIntKey, type ParamsInput, type ParamValue, type PhpScalar, type PhpValue } from './array.js';
export { phpFormatDouble } from './float.js';
export { jsJsonStringify, phpJsonEncode, phpJsonString, rubyToJson, type PhpJsonEncodeOptions } from './json.js';
export {
  httpBuildQuery,
  parseStr,
  phpRawurlencode,
  phpScalarToString,
  phpUrldecode,
  phpUrldecodeBytes,
  phpUrlencode,
  type HttpBuildQueryOptions,
  type ParseStrOptions,
} from './query.js';
