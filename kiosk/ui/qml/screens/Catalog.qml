import QtQuick
import "../components"

Item {
    Column {
        id: top
        width: parent.width
        spacing: Theme.spacing
        ScreenTitle { text: qsTr("Choose a service") }
        KField {
            objectName: "searchField"
            width: parent.width
            placeholderText: qsTr("Search: name, keyword or pinyin (e.g. gssldj)")
            inputMethodHints: Qt.ImhNoPredictiveText
            onTextEdited: session.search(text)
        }
        Flow {
            width: parent.width
            spacing: 10
            Repeater {
                model: session.categories
                BigButton {
                    required property var modelData
                    objectName: "category_" + (modelData.id || "all")
                    text: modelData.id ? modelData.name : qsTr("All")
                    selected: modelData.selected
                    pixelSize: Theme.fontSmall
                    onClicked: session.browseCategory(modelData.id)
                }
            }
        }
        ErrorText { text: session.error }
    }
    Flickable {
        anchors { top: top.bottom; topMargin: Theme.spacing; left: parent.left; right: parent.right; bottom: parent.bottom }
        clip: true
        contentHeight: grid.height
        Grid {
            id: grid
            width: parent.width
            columns: Theme.tileColumns
            spacing: Theme.spacing
            Repeater {
                model: session.items
                Tile {
                    required property var modelData
                    objectName: "item_" + modelData.code
                    width: (grid.width - (grid.columns - 1) * grid.spacing) / grid.columns
                    title: modelData.name
                    subtitle: modelData.department
                    available: modelData.enabled
                    reason: modelData.reason
                    onTapped: session.selectItem(modelData.code)
                }
            }
        }
        KText {
            visible: session.items.length === 0
            width: parent.width
            text: qsTr("No service matches. Try another word or a category.")
            color: Theme.muted
        }
    }
}
