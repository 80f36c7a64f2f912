import QtQuick
import "../components"

Item {
    Flickable {
        anchors { fill: parent; bottomMargin: confirm.height + Theme.spacing }
        clip: true
        contentHeight: column.height
        Column {
            id: column
            width: parent.width
            spacing: Theme.spacing / 2
            ScreenTitle { text: qsTr("Check your application") }
            KText { width: parent.width; color: Theme.muted; text: session.itemName }
            Repeater {
                model: session.reviewFields
                Row {
                    required property var modelData
                    width: column.width
                    spacing: 12
                    KText { width: parent.width * 0.35; color: Theme.muted; text: modelData.label }
                    KText { width: parent.width * 0.45; text: modelData.value }
                    BigButton {
                        objectName: "editPage_" + modelData.page
                        pixelSize: Theme.fontSmall
                        text: qsTr("Edit")
                        onClicked: session.editFormPage(modelData.page)
                    }
                }
            }
            KText { width: parent.width; font.bold: true; text: qsTr("Documents") }
            Repeater {
                model: session.reviewMaterials
                Row {
                    required property var modelData
                    width: column.width
                    height: Math.max(implicitHeight, Theme.minTouch)
                    spacing: 12
                    KText {
                        width: parent.width * 0.8
                        text: modelData.name + " — " + (modelData.byCard ? qsTr("read from your ID card")
                                                                      : qsTr("%1 page(s)").arg(modelData.pages))
                    }
                    BigButton {
                        objectName: "editMaterial_" + modelData.id
                        visible: !modelData.byCard
                        pixelSize: Theme.fontSmall
                        text: qsTr("Edit")
                        onClicked: session.editMaterial(modelData.id)
                    }
                }
            }
        }
    }
    BigButton {
        id: confirm
        objectName: "confirmReview"
        anchors { bottom: parent.bottom; right: parent.right }
        primary: true
        text: qsTr("Everything is correct")
        onClicked: session.confirmReview()
    }
}
