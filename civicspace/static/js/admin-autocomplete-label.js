// Select2 gives the box that shows an autocomplete's choice the role of a text box, and names it only once
// something is chosen (by the choice's title). Name it after the field, which the page gives as the select's
// placeholder, whenever Select2 builds one: on load and for each inline row added, at whatever moment jQuery runs
// Django's autocomplete.js. The observer is called once Select2 has finished building, as mutations are reported
// after the script that made them.
'use strict';
{
    function nameBox(container) {
        const select = container.previousElementSibling;
        const box = container.querySelector('.select2-selection__rendered');
        if (box && select && select.matches('select.admin-autocomplete[data-placeholder]')) {
            box.setAttribute('aria-label', select.dataset.placeholder);
        }
    }

    new MutationObserver((mutations) => {
        for (const mutation of mutations) {
            for (const node of mutation.addedNodes) {
                if (node.nodeType === Node.ELEMENT_NODE && node.classList.contains('select2-container')) {
                    nameBox(node);
                }
            }
        }
    }).observe(document.documentElement, {childList: true, subtree: true});
}
