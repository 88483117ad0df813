/**
 * Internal dependencies
 */
import type { BootData } from './store/types';

declare global {
	interface Window {
		rondineAdmin?: BootData;
	}
}

/** What the plugin printed for the page (never anything secret). */
export function getBootData(): BootData {
	return window.rondineAdmin ?? {};
}
