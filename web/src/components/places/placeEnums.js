// The closed value lists of docs/api.md "Places" (labels: places.buildingUses.*, places.houseUses.*).
export const BUILDING_USES = ['residential', 'commercial', 'mixed', 'public', 'other']
export const HOUSE_USES = ['residence', 'rental', 'shop', 'vacant', 'other']
export const RELATIONS = ['head', 'spouse', 'child', 'parent', 'grandparent', 'grandchild', 'sibling', 'child_in_law', 'other']
