// The repository-wide config (see ../eslint.config.cjs), plus what the widget's tests need.
module.exports = [
	...require( '../eslint.config.cjs' ),
	{
		// The tests drive focus in jsdom's one document.
		files: [ 'test/**' ],
		rules: { '@wordpress/no-global-active-element': 'off' },
	},
];
