/**
 * WordPress dependencies
 */
import { __ } from '@wordpress/i18n';
import type { ReactNode } from 'react';

/**
 * The table of the Segments, Lists and Tags screens (name, contacts, actions), or what to do when there is none yet.
 * @param props
 * @param props.isEmpty  Nothing to list yet.
 * @param props.empty    What the screen is for and how to start, shown instead of an empty table.
 * @param props.children The rows.
 */
export function ContactGroupsTable( {
	isEmpty,
	empty,
	children,
}: {
	isEmpty: boolean;
	empty: string;
	children: ReactNode;
} ) {
	if ( isEmpty ) {
		return (
			<div className="rondine-empty">
				<p>{ empty }</p>
			</div>
		);
	}
	return (
		<table className="widefat striped">
			<thead>
				<tr>
					<th>{ __( 'Name', 'rondine' ) }</th>
					<th>{ __( 'Contacts', 'rondine' ) }</th>
					<th>
						<span className="screen-reader-text">
							{ __( 'Actions', 'rondine' ) }
						</span>
					</th>
				</tr>
			</thead>
			<tbody>{ children }</tbody>
		</table>
	);
}
