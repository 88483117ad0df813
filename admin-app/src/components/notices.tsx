/**
 * WordPress dependencies
 */
import { Notice, SnackbarList } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { store as noticesStore } from '@wordpress/notices';

/**
 * Errors stay on screen (as notices above the current screen) until
 * dismissed; confirmations are snackbars that go away by themselves.
 */
export function Notices() {
	const notices = useSelect(
		( select ) => select( noticesStore ).getNotices(),
		[]
	);
	const { removeNotice } = useDispatch( noticesStore );
	const snackbars = notices.filter(
		( notice ) => notice.type === 'snackbar'
	);
	const standing = notices.filter( ( notice ) => notice.type !== 'snackbar' );
	return (
		<>
			<div className="rondine-notices" data-testid="rondine-notices">
				{ standing.map( ( notice ) => (
					<Notice
						key={ notice.id }
						status={ notice.status as 'error' }
						onRemove={ () => removeNotice( notice.id ) }
						isDismissible={ notice.isDismissible }
					>
						{ notice.content }
					</Notice>
				) ) }
			</div>
			<SnackbarList
				className="rondine-snackbars"
				notices={ snackbars as never }
				onRemove={ ( id: string ) => removeNotice( id ) }
			/>
		</>
	);
}
