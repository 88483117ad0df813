// The repository-wide config; see ../eslint.config.cjs.
module.exports = require( '../eslint.config.cjs' );
