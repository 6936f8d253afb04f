'use strict';
// On a laptop the study list needs the width the navigation sidebar takes: unless the user has
// opened or folded the sidebar before (Django keeps that choice), it starts folded. The « button
// opens it again. Runs before Django's nav_sidebar.js, which reads the choice (it is deferred).
{
    const key = 'django.admin.navSidebarIsOpen';
    if (window.innerWidth < 1600 && localStorage.getItem(key) === null) {
        localStorage.setItem(key, 'false');
    }
}
