// Stylesheets are handled by webpack (and mocked in unit tests).
declare module '*.scss';
declare module '*.css';
