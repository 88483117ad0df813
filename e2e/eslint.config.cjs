/**
 * The repository's shared ESLint config (see ../eslint.config.cjs).
 */
module.exports = require( '../eslint.config.cjs' );
